import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { discoverClasses } from './discover';

export interface DatabaseSettings {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

export function migrationClasses() {
  return discoverClasses(join(__dirname, 'migrations'), /^\d+-[\w-]+\.(ts|js)$/);
}

export function entityClasses() {
  return discoverClasses(join(__dirname, 'entities'), /\.entity\.(ts|js)$/);
}

/** The schema comes from migrations only (`npm run migrate`), never from `synchronize`. */
export function createDataSource(settings: DatabaseSettings): DataSource {
  return new DataSource({
    type: 'postgres',
    url: settings.url,
    entities: entityClasses(),
    migrations: migrationClasses(),
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: settings.poolSize ?? 10,
      application_name: settings.applicationName ?? 'vigil',
      // A dead connection must surface as an error, not as a hang (ingest retries on it).
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
    },
  });
}
