import {
  ApiKeyRole,
  ApiKeysRepository,
  apiKeyDisplayPrefix,
  createDataSource,
  generateApiKeySecret,
  hashApiKey,
} from '@vigil/persistence';

export interface TestKeyOptions {
  role: ApiKeyRole;
  /** Auditor keys only: the services the key may read. */
  services?: string[];
  /** May lie in the past, to test expired keys. */
  expiresAt?: Date;
  name?: string;
  /** Create the key already revoked. */
  revoked?: boolean;
}

/**
 * Creates an API key straight in the test database and returns its secret, for
 * `Authorization: Bearer <secret>`. No validation, so expired keys can be made too.
 */
export async function createKey(dbUrl: string, options: TestKeyOptions): Promise<string> {
  const dataSource = await createDataSource({
    url: dbUrl,
    poolSize: 1,
    applicationName: 'vigil-test',
  }).initialize();
  try {
    const keys = new ApiKeysRepository(dataSource);
    const secret = generateApiKeySecret();
    const key = await keys.insert({
      name: options.name ?? `test-${options.role}`,
      role: options.role,
      keyHash: hashApiKey(secret),
      keyPrefix: apiKeyDisplayPrefix(secret),
      services: options.services ?? null,
      expiresAt: options.expiresAt ?? null,
    });
    if (options.revoked === true) await keys.revoke(key.id, new Date());
    return secret;
  } finally {
    await dataSource.destroy();
  }
}

/** `{ Authorization: 'Bearer …' }` for supertest's `.set()`. */
export function bearer(secret: string): { Authorization: string } {
  return { Authorization: `Bearer ${secret}` };
}
