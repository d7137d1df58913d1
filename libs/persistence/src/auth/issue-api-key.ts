import {
  ApiKeyRecord,
  NewApiKey,
  apiKeyDisplayPrefix,
  generateApiKeySecret,
  hashApiKey,
} from './api-key';
import { ApiKeysRepository } from './api-keys.repository';

export interface IssuedApiKey {
  key: ApiKeyRecord;
  /** Shown to the caller once; only its hash is stored. */
  secret: string;
}

/** Creates a key with a fresh random secret. Callers validate the input first (apiKeyInputProblems). */
export async function issueApiKey(
  repository: ApiKeysRepository,
  input: NewApiKey,
): Promise<IssuedApiKey> {
  const secret = generateApiKeySecret();
  const key = await repository.insert({
    name: input.name.trim(),
    role: input.role,
    keyHash: hashApiKey(secret),
    keyPrefix: apiKeyDisplayPrefix(secret),
    services: input.services ?? null,
    expiresAt: input.expiresAt ?? null,
  });
  return { key, secret };
}

export type BootstrapKeyOutcome =
  | { outcome: 'created'; key: ApiKeyRecord }
  | { outcome: 'exists'; key: ApiKeyRecord }
  /** The key exists but is revoked, expired or not an admin key: left as the operator made it. */
  | { outcome: 'unusable'; key: ApiKeyRecord };

/**
 * Makes sure an admin key with this secret exists (VIGIL_BOOTSTRAP_ADMIN_KEY). Idempotent and
 * safe with several API processes starting at once (insert on conflict do nothing). A revoked
 * bootstrap key stays revoked: revocation is a deliberate act a restart must not undo.
 */
export async function ensureBootstrapAdminKey(
  repository: ApiKeysRepository,
  secret: string,
  now: Date,
): Promise<BootstrapKeyOutcome> {
  const keyHash = hashApiKey(secret);
  const created = await repository.insertUnlessHashExists({
    name: 'bootstrap',
    role: 'admin',
    keyHash,
    keyPrefix: apiKeyDisplayPrefix(secret),
    services: null,
    expiresAt: null,
  });
  if (created !== null) return { outcome: 'created', key: created };
  const existing = await repository.findByHash(keyHash);
  if (existing === null) throw new Error('bootstrap key vanished between insert and read');
  const usable =
    existing.role === 'admin' &&
    existing.revokedAt === null &&
    (existing.expiresAt === null || existing.expiresAt.getTime() > now.getTime());
  return usable ? { outcome: 'exists', key: existing } : { outcome: 'unusable', key: existing };
}
