import { Client } from 'pg';
import {
  TestEndpoints,
  deleteTestTopics,
  dockerEngineAnswers,
  maintenanceUrl,
  runLocalInfra,
  writeEndpoints,
} from './endpoints';

type Stoppable = { stop(): Promise<unknown> };
declare global {
  var __VIGIL_CONTAINERS__: Stoppable[] | undefined;
}

async function resolveEndpoints(): Promise<TestEndpoints> {
  const envKafka = process.env.KAFKA_BROKERS;
  const envDb = process.env.DATABASE_URL;
  if (envKafka && envDb) {
    return {
      kafkaBrokers: envKafka,
      adminDatabaseUrl: maintenanceUrl(envDb),
      source: 'environment',
    };
  }
  if (dockerEngineAnswers()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const containers: Stoppable[] = [];
    let kafkaBrokers = envKafka;
    if (!kafkaBrokers) {
      const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.8.0').withKraft().start();
      containers.push(kafka);
      kafkaBrokers = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    }
    let adminDatabaseUrl = envDb ? maintenanceUrl(envDb) : undefined;
    if (!adminDatabaseUrl) {
      const pg = await new PostgreSqlContainer('postgres:15').start();
      containers.push(pg);
      adminDatabaseUrl = maintenanceUrl(pg.getConnectionUri());
    }
    globalThis.__VIGIL_CONTAINERS__ = containers;
    return { kafkaBrokers, adminDatabaseUrl, source: 'testcontainers' };
  }
  runLocalInfra();
  return {
    kafkaBrokers: envKafka ?? '127.0.0.1:9092',
    adminDatabaseUrl: maintenanceUrl(envDb ?? 'postgres://postgres@127.0.0.1:5432/vigil'),
    source: 'local scripts',
  };
}

/** Drops test databases left behind by runs that were killed before their teardown. */
async function dropStaleTestDatabases(adminDatabaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'vigil\\_t\\_%'`,
    );
    for (const { datname } of rows) {
      const created = Number(datname.split('_')[2]);
      // Only databases older than an hour: a parallel run on the same server may own the rest.
      if (Number.isFinite(created) && Date.now() - created * 1000 > 3_600_000) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
  } finally {
    await client.end();
  }
}

export default async function globalSetup(): Promise<void> {
  const endpoints = await resolveEndpoints();
  await dropStaleTestDatabases(endpoints.adminDatabaseUrl);
  // Topics of runs that ended more than an hour ago (a parallel run may own newer ones).
  const now = Math.floor(Date.now() / 1000);
  await deleteTestTopics(endpoints.kafkaBrokers, { sinceSeconds: 0, untilSeconds: now - 3600 });
  process.env.VIGIL_TEST_RUN_STARTED = String(now);
  writeEndpoints(endpoints);
  process.env.VIGIL_TEST_ENDPOINTS = JSON.stringify(endpoints);
  process.stdout.write(
    `\nintegration endpoints (${endpoints.source}): kafka ${endpoints.kafkaBrokers}, postgres ${endpoints.adminDatabaseUrl}\n`,
  );
}
