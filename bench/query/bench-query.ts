/**
 * `npm run bench:query` (issue 5): seeds `vigil_bench` with 50 services × 200 controls (10,000
 * pairs, mixed frequencies) and a year of results (≥ 10 M rows, COPY), computes the matching
 * daily_rollups by SQL, then measures the effectiveness endpoints of a real API process with a
 * real HTTP client, and the evaluator's full daily snapshot.
 *
 * BENCH_SCALE (default 1) shrinks the fleet for a quick run (0.1 → 5 services). The seeded
 * database is reused when its scale matches; BENCH_RESEED=1 forces a fresh one. BENCH_SNAPSHOT=0
 * skips the snapshot.
 */
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { FREQUENCIES, type Frequency, nextSlotStart, slotStartAt } from '@vigil/domain';
import {
  EffectivenessQuery,
  EffectivenessSnapshotRepository,
  ResultPackRepository,
  createDataSource,
  migrateUp,
} from '@vigil/persistence';
import { startApi } from '../support/api-process';
import { deriveDailyRollups } from '../support/db';
import { type IngestLoad, startIngestLoad } from './ingest-load';
import { EvaluatorMetrics } from '../../apps/evaluator/src/jobs/evaluator-metrics';
import type { JobRunner } from '../../apps/evaluator/src/jobs/job-runner';
import type { LeaderElection } from '../../apps/evaluator/src/jobs/leader-election.service';
import { RefreshSnapshotsJob } from '../../apps/evaluator/src/jobs/refresh-snapshots.job';
import { packHorizon } from '../../apps/evaluator/src/jobs/pack-results.job';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const SERVICES = Math.max(1, Math.round(50 * SCALE));
const CONTROLS = 200;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const PORT = Number(process.env.BENCH_PORT ?? '3917');
const CRITERIA = [
  'CC1.1',
  'CC2.1',
  'CC3.1',
  'CC4.1',
  'CC5.1',
  'CC6.1',
  'CC6.2',
  'CC6.3',
  'CC6.6',
  'CC6.7',
  'CC6.8',
  'CC7.1',
  'CC7.2',
  'CC7.3',
  'CC7.4',
  'CC8.1',
  'CC9.1',
  'A1.1',
  'A1.2',
  'C1.1',
];

/** 10 % hourly, 40 % daily, 20 % weekly, 15 % monthly, 10 % quarterly, 5 % annually. */
function frequencyOf(control: number): Frequency {
  const k = control % 20;
  if (k < 2) return 'hourly';
  if (k < 10) return 'daily';
  if (k < 14) return 'weekly';
  if (k < 17) return 'monthly';
  if (k < 19) return 'quarterly';
  return 'annually';
}
const controlId = (c: number) => `ctl-${String(c).padStart(3, '0')}`;
const serviceId = (s: number) => `svc-${String(s).padStart(2, '0')}`;

/** Deterministic PRNG (mulberry32): the same scale seeds the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function outcomeOf(r: number): string | null {
  if (r < 0.015) return null; // missed slot
  if (r < 0.05) return 'fail';
  if (r < 0.06) return 'error';
  if (r < 0.08) return 'not_applicable';
  return 'pass';
}

function adminUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

function* resultLines(start: number, end: number): Generator<string> {
  let seq = 0;
  for (let s = 0; s < SERVICES; s++) {
    for (let c = 0; c < CONTROLS; c++) {
      const frequency = frequencyOf(c);
      const random = prng(s * 1000 + c + 1);
      const step = frequency === 'hourly' ? HOUR : frequency === 'daily' ? DAY : 0;
      const lines: string[] = [];
      let slot = slotStartAt(frequency, start);
      while (slot < end) {
        const next = step ? slot + step : nextSlotStart(frequency, slot);
        const outcome = outcomeOf(random());
        const time = slot + Math.floor(random() * Math.min(next - slot, DAY));
        if (outcome && time >= start && time < end) {
          seq++;
          const late = random() < 0.005;
          const iso = new Date(time).toISOString();
          const received = new Date(time + (late ? 2 * DAY : 5_000)).toISOString();
          lines.push(
            `${seq}\t//bench\t${seq}\t${serviceId(s)}\t${controlId(c)}\t${outcome}\t${iso}\t${received}\t${late ? 't' : 'f'}\t{"uri":"s3://bench/${seq}"}\tx\n`,
          );
        }
        slot = next;
      }
      yield lines.join('');
    }
  }
}

async function seed(url: string, now: number): Promise<void> {
  const start = Math.floor(now / DAY) * DAY - 366 * DAY;
  console.log(
    `seeding ${SERVICES} services × ${CONTROLS} controls, results from ${new Date(start).toISOString()}`,
  );
  await migrateUp({ url });
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `SELECT vigil_ensure_results_partition((date_trunc('month', $1::timestamptz) + make_interval(months => m))::date)
         FROM generate_series(0, 14) AS m`,
      [new Date(start)],
    );
    await client.query(
      `INSERT INTO services (id, name, owner) SELECT 'svc-' || lpad(s::text, 2, '0'), 'Service ' || s, 'team'
         FROM generate_series(0, $1 - 1) AS s`,
      [SERVICES],
    );
    for (let c = 0; c < CONTROLS; c++) {
      await client.query(`INSERT INTO controls (id) VALUES ($1)`, [controlId(c)]);
      await client.query(
        `INSERT INTO control_versions (control_id, valid_from, title, frequency, tolerable_deviation_rate, criteria)
         VALUES ($1, '1970-01-01T00:00:00Z', $2, $3, 0.05, $4)`,
        [
          controlId(c),
          `Control ${c}`,
          frequencyOf(c),
          [CRITERIA[c % CRITERIA.length], CRITERIA[(c * 7 + 3) % CRITERIA.length]].filter(
            (v, i, a) => a.indexOf(v) === i,
          ),
        ],
      );
    }
    await client.query(
      `INSERT INTO assignments (service_id, control_id, valid_from)
       SELECT s.id, c.id, $1::timestamptz FROM services s CROSS JOIN controls c`,
      [new Date(start - 365 * DAY)],
    );
    const t0 = Date.now();
    const copy = client.query(
      copyFrom(
        `COPY results (seq, source, event_id, service_id, control_id, outcome, time, received_at, late, evidence, event_sha256) FROM STDIN`,
      ),
    );
    await pipeline(Readable.from(resultLines(start, now)), copy);
    const [{ n }] = (await client.query(`SELECT count(*)::int AS n FROM results`)).rows as Array<{
      n: number;
    }>;
    console.log(`COPY ${n} results in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await client.query(`SELECT setval('results_seq', $1)`, [n + 1]);
    const t1 = Date.now();
    await deriveDailyRollups(client);
    console.log(`daily_rollups by SQL in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    await client.query(`VACUUM ANALYZE`);
    await client.query(`INSERT INTO vigil_meta (key, value) VALUES ('bench_scale', $1)`, [
      String(SCALE),
    ]);
  } finally {
    await client.end();
  }
}

async function ensureDatabase(baseUrl: string, now: number): Promise<string> {
  const url = adminUrl(baseUrl, 'vigil_bench');
  const admin = adminUrl(baseUrl, 'postgres');
  const exists = await query<{ one: number }>(
    admin,
    `SELECT 1 AS one FROM pg_database WHERE datname = 'vigil_bench'`,
  );
  if (exists.length && process.env.BENCH_RESEED !== '1') {
    const scale = await query<{ value: string }>(
      url,
      `SELECT value FROM vigil_meta WHERE key = 'bench_scale'`,
    ).catch(() => []);
    if (scale[0]?.value === String(SCALE)) {
      console.log('reusing the seeded vigil_bench (BENCH_RESEED=1 to reseed)');
      return url;
    }
  }
  await query(admin, `DROP DATABASE IF EXISTS vigil_bench WITH (FORCE)`);
  await query(admin, `CREATE DATABASE vigil_bench`);
  await seed(url, now);
  return url;
}

interface Figures {
  name: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  target: number;
}

async function measure(
  name: string,
  paths: string[],
  requests: number,
  target: number,
): Promise<Figures> {
  const times: number[] = [];
  for (let i = 0; i < requests + 2; i++) {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${PORT}${paths[i % paths.length]}`, {
      headers: { Authorization: `Bearer ${ADMIN_KEY}` },
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${paths[i % paths.length]} answered ${res.status}`);
    if (i >= 2) times.push(performance.now() - t0); // two warm-up requests
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { name, requests, p50: at(0.5), p95: at(0.95), p99: at(0.99), target };
}

async function snapshotSeconds(url: string): Promise<{ seconds: number; rows: number }> {
  const ds: DataSource = await createDataSource({ url, poolSize: 4 }).initialize();
  try {
    const job = new RefreshSnapshotsJob(
      ds,
      new EffectivenessQuery(ds),
      new EffectivenessSnapshotRepository(ds),
      null as unknown as JobRunner,
      null as unknown as LeaderElection,
      new EvaluatorMetrics(new Registry()),
      pino({ level: 'warn' }),
    );
    const t0 = Date.now();
    const rows = await job.refresh(new Date());
    return { seconds: (Date.now() - t0) / 1000, rows };
  } finally {
    await ds.destroy();
  }
}

async function packResults(
  url: string,
  now: Date,
): Promise<{ horizon: string; months: number; seconds: number }> {
  const ds: DataSource = await createDataSource({ url, poolSize: 2 }).initialize();
  try {
    const horizon = packHorizon(now);
    const t0 = Date.now();
    const report = await new ResultPackRepository(ds).packUntil(horizon, (m) =>
      console.log(
        `  packed ${m.month} until ${m.until}: ${m.packs} packs, ${m.results} results, ${m.ms} ms`,
      ),
    );
    return {
      horizon: horizon.toISOString(),
      months: report.months.length,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  // The compiled persistence lib scans its (so far empty, hence not emitted) entities folder.
  mkdirSync(join(__dirname, '../../libs/persistence/src/entities'), { recursive: true });
  const now = Date.now();
  const url = await ensureDatabase(
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/vigil',
    now,
  );
  await migrateUp({ url }); // a reused database gets the migrations added since it was seeded
  // What the evaluator's pack-results job does (BENCH_PACKS=0 measures reads without packs).
  if (process.env.BENCH_PACKS !== '0') {
    const packed = await packResults(url, new Date(now));
    console.log(
      `result packs up to ${packed.horizon}: ${packed.months} months (re)packed in ${packed.seconds.toFixed(1)} s`,
    );
  } else {
    await query(url, `TRUNCATE result_packs, result_pack_months`);
    console.log('result packs: none (BENCH_PACKS=0)');
  }
  const [{ n }] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM results`);
  console.log(
    `results: ${n}; pairs: ${SERVICES * CONTROLS}; frequencies: ${FREQUENCIES.join(', ')}`,
  );
  const api = await startApi({ databaseUrl: url, port: PORT, adminKey: ADMIN_KEY });
  const measureAll = async (): Promise<Figures[]> => {
    const services = Array.from({ length: Math.min(SERVICES, 10) }, (_, s) => serviceId(s));
    return [
      await measure(
        'service, 365 days',
        services.map((s) => `/api/v1/services/${s}/effectiveness?window=P365D`),
        30,
        50,
      ),
      await measure(
        'pair with slots, 90 days',
        services.flatMap((s) =>
          [0, 2, 10, 14].map((c) => `/api/v1/services/${s}/controls/${controlId(c)}/effectiveness`),
        ),
        100,
        20,
      ),
      await measure(
        'criterion, 90 days',
        ['CC6.1', 'CC7.2', 'A1.2'].map((c) => `/api/v1/criteria/${c}/effectiveness`),
        // 40 (10 before), so that p95 is not simply the slowest answer.
        40,
        100,
      ),
      // 10 (5 before): more would outlast the ingest load of the second pass.
      await measure('fleet, 90 days', ['/api/v1/effectiveness'], 10, 300),
    ];
  };
  let figures: Figures[];
  let loaded: { figures: Figures[]; ingest: Awaited<ReturnType<IngestLoad['stop']>> } | null = null;
  try {
    figures = await measureAll();
    // BENCH_UNDER_INGEST=0 skips the same reads while ingest runs at full speed.
    if (process.env.BENCH_UNDER_INGEST !== '0') {
      const records = Number(process.env.BENCH_LOAD_N ?? '600000');
      console.log(`producing ${records} fresh results for the ingest load…`);
      const load = await startIngestLoad({
        databaseUrl: url,
        brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        records,
      });
      let underLoad: Figures[] = [];
      try {
        await load.started();
        underLoad = await measureAll();
      } finally {
        loaded = { figures: underLoad, ingest: await load.stop() };
      }
    }
  } finally {
    api.kill('SIGTERM');
    await once(api, 'exit');
  }
  // BENCH_SNAPSHOT=0 skips the evaluator's full snapshot (about a minute) in quick iterations.
  const snapshot = process.env.BENCH_SNAPSHOT === '0' ? null : await snapshotSeconds(url);
  console.log('\n| query | requests | p50 ms | p95 ms | p99 ms | target p95 ms |');
  console.log('|---|---|---|---|---|---|');
  for (const f of figures) {
    console.log(
      `| ${f.name} | ${f.requests} | ${f.p50.toFixed(1)} | ${f.p95.toFixed(1)} | ${f.p99.toFixed(1)} | ${f.target} |`,
    );
  }
  if (loaded) {
    const { ingest } = loaded;
    console.log(
      `\nthe same reads while ingest stored ${ingest.stored} results in ${ingest.seconds.toFixed(1)} s (${ingest.rate}/s)${
        ingest.stillBusy
          ? ', still busy when the reads ended'
          : ' — ingest FINISHED before the reads did'
      }:`,
    );
    console.log('| query | p50 ms | p95 ms | p99 ms | p95 under ingest / idle (target ≤ 2) |');
    console.log('|---|---|---|---|---|');
    loaded.figures.forEach((f, i) => {
      console.log(
        `| ${f.name} | ${f.p50.toFixed(1)} | ${f.p95.toFixed(1)} | ${f.p99.toFixed(1)} | ${(f.p95 / figures[i].p95).toFixed(2)} |`,
      );
    });
  }
  if (snapshot) {
    console.log(
      `\nfull daily snapshot: ${snapshot.seconds.toFixed(1)} s, ${snapshot.rows} rows (target ≤ 120 s)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
