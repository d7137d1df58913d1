import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { invalidParameter } from './problem';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export function parseLimit(raw: unknown, fallback = DEFAULT_LIMIT): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw))
    throw invalidParameter('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
  const n = Number(raw);
  if (n < 1 || n > MAX_LIMIT)
    throw invalidParameter('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(raw: unknown): unknown[] | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(raw)) {
    throw invalidParameter('cursor', 'is not a cursor this API returned');
  }
  try {
    const key: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(key)) throw new Error('not an array');
    return key as unknown[];
  } catch {
    throw invalidParameter('cursor', 'is not a cursor this API returned');
  }
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says there is more. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]): Page<T> {
  const items = rows.slice(0, limit);
  const nextCursor =
    rows.length > limit && items.length > 0 ? encodeCursor(keyOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}

/** OpenAPI for the `limit` and `cursor` query parameters of every paged list. */
export function ApiPageQuery(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
    }),
    ApiQuery({
      name: 'cursor',
      required: false,
      schema: { type: 'string' },
      description: 'nextCursor of the previous page',
    }),
  );
}
