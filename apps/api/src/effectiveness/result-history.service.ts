import { Inject, Injectable } from '@nestjs/common';
import { OUTCOMES, type Outcome } from '@vigil/domain';
import { CatalogRepository, ResultHistoryRepository } from '@vigil/persistence';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { invalidParameter, notFound } from '../http/problem';
import { parseInstant, parseQueryWindow } from '../http/window';
import { StoredResultPageDto } from './dto/result-history.dto';

export interface ResultHistoryParams {
  from?: unknown;
  to?: unknown;
  window?: unknown;
  outcome?: unknown;
  cursor?: unknown;
}

const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * The raw history of one pair (SPEC §6), keyset-paged over (time, seq). Any pair with stored
 * results has a history, known to the catalogue or not: SPEC §3 stores results of unknown
 * services and controls rather than rejecting them.
 */
@Injectable()
export class ResultHistoryService {
  constructor(
    @Inject(ResultHistoryRepository) private readonly results: ResultHistoryRepository,
    @Inject(CatalogRepository) private readonly catalog: CatalogRepository,
  ) {}

  async page(
    serviceId: string,
    controlId: string,
    params: ResultHistoryParams,
    limit: number,
    now: Date,
  ): Promise<StoredResultPageDto> {
    const { from, to } = parseRange(params, now);
    const outcomes = parseOutcomes(params.outcome);
    const after = parseCursor(decodeCursor(params.cursor));
    const rows = await this.results.findResultsPage({
      serviceId,
      controlId,
      from,
      to,
      outcomes,
      after,
      limit,
    });
    // A page with rows proves the pair exists; only an empty one needs the existence checks.
    if (rows.length === 0) await this.assertPairExists(serviceId, controlId);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor([last.time, last.seq]) : null,
    };
  }

  /** 404 only when neither the catalogue nor the stored results know the pair. */
  private async assertPairExists(serviceId: string, controlId: string): Promise<void> {
    const [serviceKnown, controlKnown] = await Promise.all([
      this.catalog.serviceExists(serviceId),
      this.catalog.controlExists(controlId),
    ]);
    if (serviceKnown && controlKnown) return;
    if (await this.results.pairHasResults(serviceId, controlId)) return;
    throw notFound(
      serviceKnown
        ? `No control "${controlId}" in the catalogue and no results for this pair`
        : `No service "${serviceId}" in the catalogue and no results for this pair`,
    );
  }
}

/** `window=P90D` (ending now) or `from`/`to`, each optional: without any, the whole history. */
function parseRange(params: ResultHistoryParams, now: Date): { from?: Date; to?: Date } {
  if (params.window !== undefined) return parseQueryWindow(params, now);
  const from = params.from === undefined ? undefined : parseInstant('from', params.from);
  const to = params.to === undefined ? undefined : parseInstant('to', params.to);
  if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) {
    throw invalidParameter('from', 'must be before to');
  }
  return { from, to };
}

function parseOutcomes(raw: unknown): Outcome[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','));
  for (const value of values) {
    if (!(OUTCOMES as readonly string[]).includes(value)) {
      throw invalidParameter(
        'outcome',
        `must be one or more of ${OUTCOMES.join(', ')} (comma-separated)`,
      );
    }
  }
  return values as Outcome[];
}

function parseCursor(key: unknown[] | null): { time: string; seq: string } | null {
  if (key === null) return null;
  const [time, seq] = key;
  if (
    key.length !== 2 ||
    typeof time !== 'string' ||
    !TIME_KEY.test(time) ||
    typeof seq !== 'string' ||
    !/^\d{1,19}$/.test(seq)
  ) {
    throw invalidParameter('cursor', 'is not a cursor this API returned');
  }
  return { time, seq };
}
