/**
 * `npm run bench:api` (issue 6): throughput and latency of the main read endpoints of a real
 * API process under 50 concurrent connections (autocannon, ~10 s per endpoint).
 *
 * Data: by default a fleet of its own, seeded once by COPY into `vigil_bench_api` (20 services
 * × 50 controls × 90 days, ~1,000 pairs; BENCH_RESEED=1 to reseed). BENCH_DATA=query uses the
 * query benchmark's `vigil_bench` instead (50 services × 200 controls, a year, ~10 M results)
 * when it is seeded: there one fleet answer over 10,000 pairs takes seconds, so 50 connections
 * queue minutes of work and the run is no longer bounded to ~2 minutes.
 *
 * BENCH_DURATION (seconds per endpoint, default 10), BENCH_CONNECTIONS (default 50),
 * BENCH_PORT (default 3927), DATABASE_URL (any database of the server; default local).
 */
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { migrateUp } from '@vigil/persistence';
import { startApi } from '../support/api-process';
import { deriveDailyRollups, withClient } from '../support/db';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DURATION = Number(process.env.BENCH_DURATION ?? '10');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? '50');
const PORT = Number(process.env.BENCH_PORT ?? '3927');
const ADMIN_KEY = 'bench-api-admin-key-0123456789abcdef';
const OWN_DATABASE = 'vigil_bench_api';
const OWN_SEED = { services: 20, controls: 50, days: 90 };

// autocannon ships no types: the little of it used here.
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(
    event: 'response',
    listener: (client: unknown, status: number, bytes: number, ms: number) => void,
  ): void;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration?: number;
  /** Stop after this many responses instead of after `duration`. */
  amount?: number;
  /** Seconds before a request counts as timed out (autocannon's default is 10). */
  timeout: number;
  headers: Record<string, string>;
}) => AutocannonInstance;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const serviceId = (s: number) => `svc-${String(s).padStart(2, '0')}`;
const controlId = (c: number) => `ctl-${String(c).padStart(3, '0')}`;

function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function metaValue(url: string, key: string): Promise<string | null> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ value: string }>(
      `SELECT value FROM vigil_meta WHERE key = $1`,
      [key],
    );
    return rows[0]?.value ?? null;
  }).catch(() => null);
}

async function databaseExists(base: string, name: string): Promise<boolean> {
  return withClient(databaseUrl(base, 'postgres'), async (c) => {
    const { rows } = await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    return rows.length > 0;
  });
}

/** Control c: 10 % hourly, 70 % daily, 20 % weekly; every third maps to CC6.1. */
function frequencyOf(c: number): string {
  return c % 10 === 0 ? 'hourly' : c % 5 === 1 ? 'weekly' : 'daily';
}

/** One result per slot (2 % missed, 5 % failed), tab-separated for COPY, one pair at a time. */
function* resultLines(start: number, end: number): Generator<string> {
  let seq = 0;
  for (let s = 0; s < OWN_SEED.services; s++) {
    for (let c = 0; c < OWN_SEED.controls; c++) {
      const frequency = frequencyOf(c);
      const step = frequency === 'hourly' ? HOUR : frequency === 'daily' ? DAY : 7 * DAY;
      const lines: string[] = [];
      for (let slot = start; slot < end; slot += step) {
        const r = ((seq * 2654435761) >>> 0) / 4294967296;
        seq++;
        if (r < 0.02 || slot + HOUR > end) continue;
        const outcome = r < 0.07 ? 'fail' : 'pass';
        const time = new Date(slot + Math.floor(r * Math.min(step, HOUR))).toISOString();
        lines.push(
          `${seq}\t//bench-api\t${seq}\t${serviceId(s)}\t${controlId(c)}\t${outcome}\t${time}\t${time}\tf\t{"uri":"s3://bench/${seq}"}\tx\n`,
        );
      }
      yield lines.join('');
    }
  }
}

async function seedOwnDatabase(base: string, now: number): Promise<string> {
  const url = databaseUrl(base, OWN_DATABASE);
  const seeded = `${OWN_SEED.services}x${OWN_SEED.controls}x${OWN_SEED.days}`;
  if (
    process.env.BENCH_RESEED !== '1' &&
    (await databaseExists(base, OWN_DATABASE)) &&
    (await metaValue(url, 'bench_api_seed')) === seeded
  ) {
    console.log(`reusing ${OWN_DATABASE} (BENCH_RESEED=1 to reseed)`);
    return url;
  }
  await withClient(databaseUrl(base, 'postgres'), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${OWN_DATABASE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${OWN_DATABASE}`);
  });
  await migrateUp({ url });
  const start = Math.floor(now / DAY) * DAY - OWN_SEED.days * DAY;
  const t0 = Date.now();
  await withClient(url, async (client) => {
    await client.query(
      `SELECT vigil_ensure_results_partition((date_trunc('month', $1::timestamptz) + make_interval(months => m))::date)
         FROM generate_series(0, 4) AS m`,
      [new Date(start)],
    );
    await client.query(
      `INSERT INTO services (id, name, owner)
       SELECT 'svc-' || lpad(s::text, 2, '0'), 'Service ' || s, 'team' FROM generate_series(0, $1 - 1) AS s`,
      [OWN_SEED.services],
    );
    for (let c = 0; c < OWN_SEED.controls; c++) {
      await client.query(`INSERT INTO controls (id) VALUES ($1)`, [controlId(c)]);
      await client.query(
        `INSERT INTO control_versions (control_id, valid_from, title, frequency, tolerable_deviation_rate, criteria)
         VALUES ($1, '1970-01-01T00:00:00Z', $2, $3, 0.05, $4)`,
        [controlId(c), `Control ${c}`, frequencyOf(c), c % 3 === 0 ? ['CC6.1'] : ['CC7.2']],
      );
    }
    await client.query(
      `INSERT INTO assignments (service_id, control_id, valid_from)
       SELECT s.id, c.id, $1::timestamptz FROM services s CROSS JOIN controls c`,
      [new Date(start - 365 * DAY)],
    );
    await pipeline(
      Readable.from(resultLines(start, now)),
      client.query(
        copyFrom(
          `COPY results (seq, source, event_id, service_id, control_id, outcome, time, received_at, late, evidence, event_sha256) FROM STDIN`,
        ),
      ),
    );
    await client.query(`SELECT setval('results_seq', (SELECT max(seq) FROM results))`);
    // What the ingest keeps per (service, control, UTC day), derived from the rows above.
    await deriveDailyRollups(client);
    await client.query(`VACUUM ANALYZE`);
    await client.query(`INSERT INTO vigil_meta (key, value) VALUES ('bench_api_seed', $1)`, [
      seeded,
    ]);
  });
  console.log(`seeded ${OWN_DATABASE} (${seeded}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return url;
}

/** This benchmark's own database, or with BENCH_DATA=query the query benchmark's when seeded. */
async function benchDatabase(base: string): Promise<{ url: string; label: string }> {
  const queryBench = databaseUrl(base, 'vigil_bench');
  if (
    process.env.BENCH_DATA === 'query' &&
    (await databaseExists(base, 'vigil_bench')) &&
    (await metaValue(queryBench, 'bench_scale'))
  ) {
    const counts = await withClient(queryBench, async (c) => {
      const { rows } = await c.query<{ services: number; controls: number; results: string }>(
        `SELECT (SELECT count(*)::int FROM services) AS services,
                (SELECT count(*)::int FROM controls) AS controls,
                (SELECT reltuples::bigint::text FROM pg_class WHERE oid = 'results'::regclass) AS results`,
      );
      return rows[0];
    });
    return {
      url: queryBench,
      label: `vigil_bench (query benchmark's seed): ${counts.services} services × ${counts.controls} controls, ~${counts.results} results`,
    };
  }
  const url = await seedOwnDatabase(base, Date.now());
  return {
    url,
    label: `${OWN_DATABASE}: ${OWN_SEED.services} services × ${OWN_SEED.controls} controls × ${OWN_SEED.days} days`,
  };
}

interface Figures {
  name: string;
  path: string;
  mode: string;
  requestsPerSecond: number;
  total: number;
  p50: number;
  p95: number;
  p99: number;
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

/**
 * autocannon stops sending after its duration, but the API still works through the requests in
 * flight: wait until a cheap request is fast again, so the next endpoint starts on an idle API.
 */
async function drain(headers: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/controls?limit=1`, { headers });
    await res.arrayBuffer();
    if (performance.now() - t0 < 50) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * 50 connections for DURATION seconds. An endpoint so heavy that one request per connection
 * would not complete within half the duration (the fleet answer, ~1 s alone) is measured by one
 * wave instead: 50 simultaneous requests, timed until the last answers.
 */
async function measure(name: string, path: string): Promise<Figures> {
  const url = `http://127.0.0.1:${PORT}${path}`;
  const headers = { Authorization: `Bearer ${ADMIN_KEY}` };
  let alone = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const probe = await fetch(url, { headers });
    await probe.arrayBuffer();
    if (!probe.ok) throw new Error(`${path} answered ${probe.status}`);
    alone = Math.min(alone, performance.now() - t0);
  }
  const wave = alone * CONNECTIONS > (DURATION * 1000) / 2;
  const latencies: number[] = [];
  const started = performance.now();
  // A long timeout: queueing behind 49 other requests is what is measured, not an error.
  const run = autocannon({
    url,
    connections: CONNECTIONS,
    ...(wave ? { amount: CONNECTIONS } : { duration: DURATION }),
    timeout: 120,
    headers,
  });
  run.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  // Keeps the event loop alive while every socket waits on a slow answer (seen to end the
  // process silently in wave mode otherwise).
  const keepAlive = setInterval(() => undefined, 1000);
  let result: AutocannonResult;
  try {
    result = await run;
  } finally {
    clearInterval(keepAlive);
  }
  const seconds = wave ? (performance.now() - started) / 1000 : DURATION;
  await drain(headers);
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${path}: ${result.non2xx} non-2xx answers, ${result.errors} errors (${result.timeouts} timeouts)`,
    );
  }
  latencies.sort((a, b) => a - b);
  return {
    name,
    path,
    mode: wave ? `one wave of ${CONNECTIONS}` : `${DURATION} s`,
    requestsPerSecond: latencies.length / seconds,
    total: latencies.length,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
  };
}

const ms = (value: number) => (value < 100 ? value.toFixed(1) : value.toFixed(0));

async function main(): Promise<void> {
  // The compiled persistence lib scans its (so far empty, hence not emitted) entities folder.
  mkdirSync(join(__dirname, '../../libs/persistence/src/entities'), { recursive: true });
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/vigil';
  const { url, label } = await benchDatabase(base);
  console.log(`data: ${label}`);
  const api = await startApi({
    databaseUrl: url,
    port: PORT,
    adminKey: ADMIN_KEY,
    env: { RATE_LIMIT_PER_MINUTE: '0' },
  });
  const figures: Figures[] = [];
  const service = serviceId(0);
  const pair = `/api/v1/services/${service}/controls/${controlId(2)}`;
  try {
    const endpoints: Array<[string, string]> = [
      ['fleet, 90 days', '/api/v1/effectiveness'],
      ['service, 90 days', `/api/v1/services/${service}/effectiveness`],
      ['pair with slots, 90 days', `${pair}/effectiveness`],
      ['criterion CC6.1, 90 days', '/api/v1/criteria/CC6.1/effectiveness'],
      ['services list', '/api/v1/services'],
      ['raw results, first page', `${pair}/results`],
    ];
    for (const [name, path] of endpoints) {
      const f = await measure(name, path);
      console.log(
        `${name} (${f.mode}): ${f.requestsPerSecond.toFixed(1)} req/s, p50 ${ms(f.p50)} ms, p95 ${ms(f.p95)} ms, p99 ${ms(f.p99)} ms`,
      );
      figures.push(f);
    }
  } finally {
    api.kill('SIGTERM');
    await once(api, 'exit');
  }
  console.log(
    `\n${CONNECTIONS} connections, ${DURATION} s per endpoint, admin key, rate limit off; ${label}\n`,
  );
  console.log('| endpoint | path | run | req/s | requests | p50 ms | p95 ms | p99 ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const f of figures) {
    console.log(
      `| ${f.name} | \`GET ${f.path}\` | ${f.mode} | ${f.requestsPerSecond.toFixed(1)} | ${f.total} | ${ms(f.p50)} | ${ms(f.p95)} | ${ms(f.p99)} |`,
    );
  }
}

let finished = false;
process.on('beforeExit', () => {
  if (!finished) {
    console.error('bench-api: the event loop emptied before the benchmark finished');
    process.exitCode = 1;
  }
});

main()
  .then(() => {
    finished = true;
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
