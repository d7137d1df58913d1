import { Command, InvalidArgumentError } from 'commander';
import {
  API_KEY_ROLES,
  ApiKeyRecord,
  ApiKeyRole,
  ApiKeysRepository,
  apiKeyInputProblems,
  apiKeyStatus,
  createDataSource,
  issueApiKey,
} from '@vigil/persistence';
import { databaseVariables, loadConfig } from '@vigil/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opens the database of DATABASE_URL for one command; the operator's path to the first key. */
async function withKeys<T>(fn: (keys: ApiKeysRepository) => Promise<T>): Promise<T> {
  const { DATABASE_URL } = loadConfig(databaseVariables, process.env);
  const dataSource = await createDataSource({
    url: DATABASE_URL,
    poolSize: 1,
    applicationName: 'vigil-cli',
  }).initialize();
  try {
    return await fn(new ApiKeysRepository(dataSource));
  } finally {
    await dataSource.destroy();
  }
}

function parseRole(value: string): ApiKeyRole {
  const role = API_KEY_ROLES.find((r) => r === value);
  if (role === undefined)
    throw new InvalidArgumentError(`must be one of ${API_KEY_ROLES.join(', ')}`);
  return role;
}

function parseServices(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function parseExpiry(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('must be an RFC 3339 date-time, e.g. 2027-01-01T00:00:00Z');
  }
  return date;
}

function formatKey(key: ApiKeyRecord, now: Date): string {
  return [
    key.id,
    key.name,
    key.role,
    `${key.keyPrefix}…`,
    apiKeyStatus(key, now),
    `services=${key.services === null ? '*' : key.services.join(',')}`,
    `expires=${key.expiresAt?.toISOString() ?? 'never'}`,
    `created=${key.createdAt.toISOString()}`,
    `lastUsed=${key.lastUsedAt?.toISOString() ?? 'never'}`,
  ].join('\t');
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** `vigil keys create|list|revoke`: API keys, straight on the database (DATABASE_URL). */
export function registerKeysCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description('Manage API keys directly in the database (DATABASE_URL)');

  keys
    .command('create')
    .description('Create an API key and print its secret (shown only once)')
    .requiredOption('--name <name>', 'who or what uses the key')
    .requiredOption('--role <role>', `one of ${API_KEY_ROLES.join(', ')}`, parseRole)
    .option(
      '--services <ids>',
      'auditor keys only: comma-separated service ids the key may read',
      parseServices,
    )
    .option(
      '--expires <date-time>',
      'when the key stops working, e.g. 2027-01-01T00:00:00Z',
      parseExpiry,
    )
    .option('--json', 'print the key and its secret as JSON')
    .action(
      async (options: {
        name: string;
        role: ApiKeyRole;
        services?: string[];
        expires?: Date;
        json?: boolean;
      }) => {
        const now = new Date();
        const input = {
          name: options.name,
          role: options.role,
          services: options.services ?? null,
          expiresAt: options.expires ?? null,
        };
        const problems = apiKeyInputProblems(input, now);
        if (problems.length > 0)
          throw new Error(
            problems
              .map((p) => `--${p.field === 'expiresAt' ? 'expires' : p.field} ${p.detail}`)
              .join('; '),
          );
        const { key, secret } = await withKeys((repository) => issueApiKey(repository, input));
        if (options.json) {
          print(
            JSON.stringify({
              id: key.id,
              name: key.name,
              role: key.role,
              services: key.services,
              expiresAt: key.expiresAt,
              secret,
            }),
          );
          return;
        }
        print(`created ${formatKey(key, now)}`);
        print(`secret (shown once; store it now): ${secret}`);
      },
    );

  keys
    .command('list')
    .description('List API keys (never their secrets)')
    .action(async () => {
      const now = new Date();
      const all = await withKeys(async (repository) => {
        const found: ApiKeyRecord[] = [];
        let after: { createdAt: Date; id: string } | null = null;
        for (;;) {
          const page = await repository.listPage(500, after);
          found.push(...page);
          if (page.length < 500) return found;
          const last = page[page.length - 1];
          after = { createdAt: last.createdAt, id: last.id };
        }
      });
      print(
        [
          'id',
          'name',
          'role',
          'prefix',
          'status',
          'services',
          'expires',
          'created',
          'lastUsed',
        ].join('\t'),
      );
      for (const key of all) print(formatKey(key, now));
    });

  keys
    .command('revoke <id>')
    .description('Revoke an API key (the API stops accepting it within seconds)')
    .action(async (id: string) => {
      const revoked = UUID.test(id)
        ? await withKeys((repository) => repository.revoke(id, new Date()))
        : null;
      if (revoked === null) throw new Error(`no API key with id ${id}`);
      print(`revoked ${revoked.id} (${revoked.name}) at ${revoked.revokedAt?.toISOString() ?? ''}`);
    });
}
