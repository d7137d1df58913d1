import { DataSource } from 'typeorm';
import { DatabaseSettings, createDataSource } from './data-source';

export interface MigrationReport {
  applied: string[];
}

/** Runs every pending migration, each in its own transaction. */
export async function migrateUp(settings: DatabaseSettings): Promise<MigrationReport> {
  return withDataSource(settings, async (ds) => {
    const done = await ds.runMigrations({ transaction: 'each' });
    return { applied: done.map((m) => m.name) };
  });
}

/** Reverts the last `steps` migrations. */
export async function migrateDown(settings: DatabaseSettings, steps = 1): Promise<MigrationReport> {
  return withDataSource(settings, async (ds) => {
    const reverted: string[] = [];
    for (let i = 0; i < steps; i++) {
      const before = await appliedMigrations(ds);
      if (before.length === 0) break;
      await ds.undoLastMigration({ transaction: 'each' });
      reverted.push(before[before.length - 1]);
    }
    return { applied: reverted };
  });
}

export async function migrationStatus(
  settings: DatabaseSettings,
): Promise<{ applied: string[]; pending: string[] }> {
  return withDataSource(settings, async (ds) => {
    const applied = await appliedMigrations(ds);
    const all = ds.migrations.map((m) => m.name ?? m.constructor.name);
    return { applied, pending: all.filter((n) => !applied.includes(n)) };
  });
}

async function appliedMigrations(ds: DataSource): Promise<string[]> {
  const exists = await ds.query<Array<{ t: string | null }>>(
    `SELECT to_regclass('schema_migrations') AS t`,
  );
  if (!exists[0]?.t) return [];
  const rows = await ds.query<Array<{ name: string }>>(
    `SELECT name FROM schema_migrations ORDER BY id`,
  );
  return rows.map((r) => r.name);
}

async function withDataSource<T>(
  settings: DatabaseSettings,
  fn: (ds: DataSource) => Promise<T>,
): Promise<T> {
  const ds = createDataSource({ ...settings, poolSize: 2, applicationName: 'vigil-migrate' });
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}
