import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { ApiKeyRecord, ApiKeysRepository, apiKeyStatus, hashApiKey } from '@vigil/persistence';
import { LOGGER } from '@vigil/platform';
import { Principal } from './principal';

export type Authentication =
  | { outcome: 'authenticated'; principal: Principal }
  | { outcome: 'unknown' | 'expired' | 'revoked' };

/** Printable ASCII without spaces: generated keys are 47 characters, bootstrap keys 20 to 256. */
const TOKEN_SHAPE = /^[\x21-\x7e]{20,256}$/;
const CACHE_TTL_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;
const LAST_USED_INTERVAL_MS = 60_000;

/**
 * Turns a bearer token into a principal. Lookups are cached for a few seconds (misses too, so
 * a flood of wrong keys does not become a flood of queries); a key revoked in another process
 * stops working within that time, one revoked through this process at once.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, { key: ApiKeyRecord | null; until: number }>();
  private readonly lastTouched = new Map<string, number>();

  constructor(
    @Inject(ApiKeysRepository) private readonly keys: ApiKeysRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async authenticate(token: string, now: Date): Promise<Authentication> {
    if (!TOKEN_SHAPE.test(token)) return { outcome: 'unknown' };
    const key = await this.lookup(hashApiKey(token), now.getTime());
    if (key === null) return { outcome: 'unknown' };
    const status = apiKeyStatus(key, now);
    switch (status) {
      case 'revoked':
      case 'expired':
        return { outcome: status };
      case 'active':
        this.recordUse(key.id, now);
        return {
          outcome: 'authenticated',
          principal: { keyId: key.id, name: key.name, role: key.role, services: key.services },
        };
    }
  }

  /** Forgets a key at once in this process (after revocation through the API). */
  forget(keyId: string): void {
    for (const [hash, entry] of this.cache) {
      if (entry.key?.id === keyId) this.cache.delete(hash);
    }
  }

  private async lookup(hash: string, nowMs: number): Promise<ApiKeyRecord | null> {
    const cached = this.cache.get(hash);
    if (cached !== undefined && cached.until > nowMs) return cached.key;
    const key = await this.keys.findByHash(hash);
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(hash, { key, until: nowMs + CACHE_TTL_MS });
    return key;
  }

  /** `last_used_at` is for operators, not for accuracy: at most one write a minute per key. */
  private recordUse(keyId: string, now: Date): void {
    const last = this.lastTouched.get(keyId);
    if (last !== undefined && now.getTime() - last < LAST_USED_INTERVAL_MS) return;
    this.lastTouched.set(keyId, now.getTime());
    this.keys.touchLastUsed(keyId, now).catch((error: unknown) => {
      this.logger.warn({ err: error, keyId }, 'could not record API key use');
    });
  }
}
