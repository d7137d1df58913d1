import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How the integration suite finds Kafka and PostgreSQL, once per run (DEVELOPERS.md):
 *  1. endpoints given by the environment (KAFKA_BROKERS, DATABASE_URL);
 *  2. Testcontainers, when a Docker engine answers;
 *  3. the local broker and PostgreSQL started by `scripts/infra-up.sh`.
 */
export interface TestEndpoints {
  kafkaBrokers: string;
  /** A URL of a database the suite may use to create and drop one database per test file. */
  adminDatabaseUrl: string;
  source: string;
}

export const ROOT = join(__dirname, '..', '..');
const STATE_FILE = join(ROOT, '.vigil', 'test-endpoints.json');

export function writeEndpoints(endpoints: TestEndpoints): void {
  mkdirSync(join(ROOT, '.vigil'), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(endpoints, null, 2));
}

export function readEndpoints(): TestEndpoints {
  const fromEnv = process.env.VIGIL_TEST_ENDPOINTS;
  if (fromEnv) return JSON.parse(fromEnv) as TestEndpoints;
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as TestEndpoints;
}

export function dockerEngineAnswers(): boolean {
  const probe = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    timeout: 5000,
    encoding: 'utf8',
  });
  return probe.status === 0 && probe.stdout.trim().length > 0;
}

/** Swaps the database of a URL for `postgres`, the maintenance database every server has. */
export function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

export function runLocalInfra(): void {
  execFileSync('bash', [join(ROOT, 'scripts', 'infra-up.sh')], {
    stdio: 'inherit',
    env: process.env,
  });
}

/** Test topics are named `t-<unix seconds>_<hex>.…` (test/support/infra.ts). */
const TEST_TOPIC = /^t-(\d+)_[0-9a-f]{8}\./;

/**
 * Deletes test topics created in [sinceSeconds, untilSeconds), so a long-lived local broker
 * does not pile up thousands of partitions over many runs (it slows every start and create).
 */
export async function deleteTestTopics(
  kafkaBrokers: string,
  range: { sinceSeconds: number; untilSeconds: number },
): Promise<number> {
  const { KafkaClient } = await import('../../libs/platform/src/kafka/kafka-client');
  const client = new KafkaClient({
    brokers: kafkaBrokers.split(','),
    clientId: 'vigil-test-cleanup',
  });
  try {
    const doomed = (await client.listTopics()).filter((topic) => {
      const created = Number(TEST_TOPIC.exec(topic)?.[1]);
      return created >= range.sinceSeconds && created < range.untilSeconds;
    });
    for (let i = 0; i < doomed.length; i += 100)
      await client.deleteTopics(doomed.slice(i, i + 100));
    return doomed.length;
  } finally {
    await client.close();
  }
}
