import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { ApiKeysRepository, apiKeyInputProblems, issueApiKey } from '@vigil/persistence';
import { LOGGER } from '@vigil/platform';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { badRequest, invalidParameter, notFound } from '../http/problem';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyPage, ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './dto/api-key.dto';
import { Principal } from './principal';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Admin management of API keys; the CLI offers the same on the database directly. */
@Injectable()
export class KeysService {
  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(ApiKeyAuthenticator) private readonly authenticator: ApiKeyAuthenticator,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async list(limit: number, cursor: unknown, now: Date): Promise<ApiKeyPage> {
    const after = parseKeyCursor(decodeCursor(cursor));
    const rows = await this.keys.listPage(limit + 1, after);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((k) => ApiKeyView.of(k, now)),
      nextCursor:
        rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }

  async create(input: CreateApiKeyDto, by: Principal, now: Date): Promise<CreatedApiKeyView> {
    const request = {
      name: input.name,
      role: input.role,
      services: input.services ?? null,
      expiresAt: input.expiresAt === undefined ? null : new Date(input.expiresAt),
    };
    const problems = apiKeyInputProblems(request, now);
    if (problems.length > 0) {
      throw badRequest(
        problems.map((p) => `Invalid parameter "${p.field}": ${p.detail}`).join('; '),
        problems.map((p) => ({ parameter: p.field, detail: p.detail })),
      );
    }
    const { key, secret } = await issueApiKey(this.keys, request);
    this.logger.info({ keyId: key.id, role: key.role, byKeyId: by.keyId }, 'api key created');
    return { ...ApiKeyView.of(key, now), secret };
  }

  async revoke(id: string, by: Principal, now: Date): Promise<void> {
    const revoked = UUID.test(id) ? await this.keys.revoke(id, now) : null;
    if (revoked === null) throw notFound('No API key with this id');
    this.authenticator.forget(revoked.id);
    this.logger.info({ keyId: revoked.id, byKeyId: by.keyId }, 'api key revoked');
  }
}

function parseKeyCursor(key: unknown[] | null): { createdAt: Date; id: string } | null {
  if (key === null) return null;
  const [createdAt, id] = key;
  if (
    key.length !== 2 ||
    typeof createdAt !== 'string' ||
    typeof id !== 'string' ||
    !UUID.test(id)
  ) {
    throw invalidParameter('cursor', 'is not a cursor this API returned');
  }
  const at = new Date(createdAt);
  if (Number.isNaN(at.getTime()))
    throw invalidParameter('cursor', 'is not a cursor this API returned');
  return { createdAt: at, id };
}
