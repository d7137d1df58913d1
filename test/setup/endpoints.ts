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
