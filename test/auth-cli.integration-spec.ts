import { createHash } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Command } from 'commander';
import { Client } from 'pg';
import request from 'supertest';
import { createApi } from '../apps/api/src/bootstrap';
import { registerKeysCommands } from '../apps/cli/src/commands/keys.command';
import { bearer } from './support/auth';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from './support/infra';

/** Runs `vigil keys …` in this process against DATABASE_URL and returns what it printed. */
async function vigil(...args: string[]): Promise<string> {
  const program = new Command('vigil')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  registerKeysCommands(program);
  const printed: string[] = [];
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      printed.push(chunk.toString());
      return true;
    });
  try {
    await program.parseAsync(['node', 'vigil', ...args]);
  } finally {
    spy.mockRestore();
  }
  return printed.join('');
}

describe('vigil keys', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let server: Parameters<typeof request>[0];
  const previousUrl = process.env.DATABASE_URL;

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
    process.env.DATABASE_URL = db.url;
    ({ app } = await createApi(appEnv(db, topics)));
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer() as Parameters<typeof request>[0];
  });
  afterAll(async () => {
    process.env.DATABASE_URL = previousUrl;
    await app.close();
    await db.drop();
  });

  describe('create', () => {
    it('prints a secret once that the API accepts, and stores only its hash', async () => {
      const out = await vigil('keys', 'create', '--name', 'first-admin', '--role', 'admin');
      const secret = /secret \(shown once; store it now\): (vgl_[A-Za-z0-9_-]{43})/.exec(out)?.[1];
      expect(secret).toBeDefined();
      await request(server).get('/api/v1/keys').set(bearer(secret!)).expect(200);

      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<Record<string, unknown>>(
          `SELECT * FROM api_keys WHERE name = 'first-admin'`,
        );
        expect(rows).toHaveLength(1);
        expect(rows[0].key_hash).toBe(createHash('sha256').update(secret!).digest('hex'));
        expect(JSON.stringify(rows[0])).not.toContain(secret);
      } finally {
        await client.end();
      }
    });

    it('limits an auditor key to the services given and sets its expiry', async () => {
      const out = await vigil(
        'keys',
        'create',
        '--name',
        'auditor-q4',
        '--role',
        'auditor',
        '--services',
        'payments-api,ledger',
        '--expires',
        '2099-01-01T00:00:00Z',
        '--json',
      );
      const created = JSON.parse(out) as {
        role: string;
        services: string[];
        expiresAt: string;
        secret: string;
      };
      expect(created).toMatchObject({
        role: 'auditor',
        services: ['payments-api', 'ledger'],
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
      await request(server).get('/api/v1/keys').set(bearer(created.secret)).expect(403);
    });

    it('refuses services for a non-auditor role, an unknown role and a past expiry', async () => {
      await expect(
        vigil('keys', 'create', '--name', 'x', '--role', 'dashboard', '--services', 'a'),
      ).rejects.toThrow(/--services only auditor keys/);
      await expect(vigil('keys', 'create', '--name', 'x', '--role', 'root')).rejects.toThrow(
        /must be one of/,
      );
      await expect(
        vigil(
          'keys',
          'create',
          '--name',
          'x',
          '--role',
          'admin',
          '--expires',
          '2001-01-01T00:00:00Z',
        ),
      ).rejects.toThrow(/--expires must be in the future/);
    });
  });

  describe('list and revoke', () => {
    it('lists keys without secrets, and a revoked key stops working in the API', async () => {
      const created = JSON.parse(
        await vigil('keys', 'create', '--name', 'ci', '--role', 'producer', '--json'),
      ) as {
        id: string;
        secret: string;
      };
      const listed = await vigil('keys', 'list');
      expect(listed).toContain(created.id);
      expect(listed).toContain(`${created.secret.slice(0, 8)}…`);
      expect(listed).not.toContain(created.secret);

      expect(await vigil('keys', 'revoke', created.id)).toContain(`revoked ${created.id}`);
      expect(await vigil('keys', 'list')).toMatch(
        new RegExp(`${created.id}\\tci\\tproducer\\t[^\\n]*\\trevoked`),
      );
      // Never used before, so not in the API's 5 s lookup cache: the revocation shows at once.
      await request(server).get('/api/v1/keys').set(bearer(created.secret)).expect(401);
    });

    it('fails on an unknown id', async () => {
      await expect(vigil('keys', 'revoke', '00000000-0000-4000-8000-000000000000')).rejects.toThrow(
        /no API key/,
      );
      await expect(vigil('keys', 'revoke', 'not-an-id')).rejects.toThrow(/no API key/);
    });
  });
});
