import { Client } from 'pg';
import { migrateDown, migrateUp, migrationClasses, migrationStatus } from '@vigil/persistence';
import { TestDatabase, createTestDatabase } from './support/infra';

async function tables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
        ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('applies every migration, reverts them all, and applies them again to the same schema', async () => {
    const all = migrationClasses().length;
    expect(all).toBeGreaterThan(0);

    const first = await migrateUp({ url: db.url });
    expect(first.applied).toHaveLength(all);
    const schema = await tables(db.url);
    expect(schema).toContain('vigil_meta');
    await expect(migrationStatus({ url: db.url })).resolves.toMatchObject({ pending: [] });

    const reverted = await migrateDown({ url: db.url }, all);
    expect(reverted.applied).toHaveLength(all);
    await expect(tables(db.url)).resolves.toEqual([]);

    const again = await migrateUp({ url: db.url });
    expect(again.applied).toEqual(first.applied);
    await expect(tables(db.url)).resolves.toEqual(schema);
  });

  it('is a no-op when the schema is up to date', async () => {
    await expect(migrateUp({ url: db.url })).resolves.toEqual({ applied: [] });
  });

  it('creates a month of results while another transaction reads results, without waiting for it', async () => {
    const reader = new Client({ connectionString: db.url });
    const creator = new Client({ connectionString: db.url });
    await Promise.all([reader.connect(), creator.connect()]);
    try {
      // An export's snapshot: a read of results in a transaction that stays open.
      await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await reader.query('SELECT count(*) FROM results');
      await creator.query(`SET lock_timeout = '3s'`);
      await creator.query(`SELECT vigil_ensure_results_partition('2019-03-01')`);
      // The reader's transaction can still read results afterwards, and the month works.
      await reader.query('SELECT count(*) FROM results');
      await reader.query('COMMIT');
      const { rows } = await creator.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE tablename = 'results_y2019m03'`,
      );
      expect(rows.map((r) => r.indexdef)).toEqual([
        expect.stringContaining('(service_id, control_id, "time", seq)'),
      ]);
      await creator.query(
        `INSERT INTO results (seq, source, event_id, service_id, control_id, outcome, time, received_at, event_sha256)
         VALUES (1, 's', 'e', 'svc', 'ctl', 'pass', '2019-03-05T00:00:00Z', now(), 'x')`,
      );
      await expect(
        creator.query(
          `INSERT INTO results (seq, source, event_id, service_id, control_id, outcome, time, received_at, event_sha256)
           VALUES (2, 's', 'e2', 'svc', 'ctl', 'maybe', '2019-03-05T00:00:00Z', now(), 'x')`,
        ),
      ).rejects.toThrow(/check constraint/);
    } finally {
      await reader.query('ROLLBACK').catch(() => undefined);
      await Promise.all([reader.end(), creator.end()]);
    }
  });
});
