import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { KafkaClient } from '@vigil/platform';
import { migrateUp } from '@vigil/persistence';
import { readEndpoints } from '../setup/endpoints';

/**
 * Per-test-file isolation (STYLE.md): every test file gets its own database, migrated from
 * scratch, and its own topic names, so parallel files cannot see each other's data.
 */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function uniqueSuffix(): string {
  return `${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
}

export async function createTestDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const { adminDatabaseUrl } = readEndpoints();
  const name = `vigil_t_${uniqueSuffix()}`;
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  const database: TestDatabase = {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminDatabaseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
  if (options.migrate !== false) await migrateUp({ url: database.url });
  return database;
}

export interface TestTopics {
  results: string;
  deadLetter: string;
  statusChanges: string;
  group: string;
}

export function kafkaBrokers(): string {
  return readEndpoints().kafkaBrokers;
}

export async function createTestTopics(partitions = 3): Promise<TestTopics> {
  const prefix = `t-${uniqueSuffix()}`;
  const topics: TestTopics = {
    results: `${prefix}.control-results`,
    deadLetter: `${prefix}.control-results.dlq`,
    statusChanges: `${prefix}.control-status-changes`,
    group: `${prefix}.ingest`,
  };
  const client = new KafkaClient({ brokers: kafkaBrokers().split(','), clientId: 'vigil-test' });
  try {
    await client.ensureTopics(
      [topics.results, topics.deadLetter, topics.statusChanges].map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
      })),
    );
  } finally {
    await client.close();
  }
  return topics;
}

/** The environment an app under test boots with: real services, this file's namespace. */
export function appEnv(
  db: TestDatabase,
  topics?: TestTopics,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: kafkaBrokers(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    ...(topics
      ? {
          VIGIL_TOPIC_RESULTS: topics.results,
          VIGIL_TOPIC_DLQ: topics.deadLetter,
          VIGIL_TOPIC_STATUS: topics.statusChanges,
          VIGIL_CONSUMER_GROUP: topics.group,
        }
      : {}),
    ...extra,
  };
}
