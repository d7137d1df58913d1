import { createHash, randomBytes } from 'node:crypto';

export type ApiKeyRole = 'admin' | 'dashboard' | 'auditor' | 'producer';
export const API_KEY_ROLES: readonly ApiKeyRole[] = ['admin', 'dashboard', 'auditor', 'producer'];

/** A stored key as operators see it: never the secret, only its first characters. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: ApiKeyRole;
  keyPrefix: string;
  /** Auditor keys only: the services the key may read; null means every service. */
  services: string[] | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

export const API_KEY_SECRET_PREFIX = 'vgl_';
export const API_KEY_DISPLAY_PREFIX_LENGTH = 8;
/** Same rule as service ids in events (SPEC §3), so a limit can name any service. */
export const SERVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const API_KEY_NAME_MAX_LENGTH = 100;

/** `vgl_` + 32 random bytes in base64url (43 characters): 256 bits of entropy. */
export function generateApiKeySecret(): string {
  return `${API_KEY_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256, hex. A fast unsalted hash is enough here because generated keys carry 256 random
 * bits: no dictionary or brute force gets near them, however fast the hash. A slow password
 * hash (bcrypt, scrypt) would add tens of milliseconds to every request and, being salted,
 * would rule out finding the key by an index lookup on the hash. The operator-chosen
 * bootstrap key is the exception, which is why it must be at least 20 characters long.
 */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function apiKeyDisplayPrefix(secret: string): string {
  return secret.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH);
}

export function apiKeyStatus(
  key: Pick<ApiKeyRecord, 'expiresAt' | 'revokedAt'>,
  now: Date,
): ApiKeyStatus {
  if (key.revokedAt !== null && key.revokedAt.getTime() <= now.getTime()) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export interface NewApiKey {
  name: string;
  role: ApiKeyRole;
  services?: string[] | null;
  expiresAt?: Date | null;
}

/** What is wrong with a key request, one sentence per field; empty when it is valid. */
export function apiKeyInputProblems(
  input: NewApiKey,
  now: Date,
): Array<{ field: string; detail: string }> {
  const problems: Array<{ field: string; detail: string }> = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > API_KEY_NAME_MAX_LENGTH) {
    problems.push({ field: 'name', detail: `must be 1 to ${API_KEY_NAME_MAX_LENGTH} characters` });
  }
  if (!API_KEY_ROLES.includes(input.role)) {
    problems.push({ field: 'role', detail: `must be one of ${API_KEY_ROLES.join(', ')}` });
  }
  const services = input.services ?? null;
  if (services !== null) {
    if (input.role !== 'auditor')
      problems.push({ field: 'services', detail: 'only auditor keys can be limited to services' });
    else if (services.length === 0)
      problems.push({ field: 'services', detail: 'must name at least one service' });
    else if (services.length > 1000)
      problems.push({ field: 'services', detail: 'must name at most 1000 services' });
    const bad = services.filter((s) => !SERVICE_ID_PATTERN.test(s));
    if (bad.length > 0)
      problems.push({
        field: 'services',
        detail: `not service ids: ${bad.slice(0, 5).join(', ')}`,
      });
  }
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null) {
    if (Number.isNaN(expiresAt.getTime()))
      problems.push({ field: 'expiresAt', detail: 'is not a valid date-time' });
    else if (expiresAt.getTime() <= now.getTime())
      problems.push({ field: 'expiresAt', detail: 'must be in the future' });
  }
  return problems;
}
