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
});
