/**
 * `npm run bench:export` (issue 7): a period with 1,000,000 results exported over HTTP as CSV
 * (the results table) and as the zip bundle, against the API running as a child process.
 * Reports time to first byte, total time, rows/s, the peak RSS of the API process, and the
 * ratio to a raw `COPY … TO STDOUT` of the same rows. Targets: ≥ 250,000 rows/s for CSV, peak
 * RSS ≤ 256 MB.
 *
 * Environment: DATABASE_URL (a server where it may create and drop a database; default
 * postgres://postgres@127.0.0.1:5432/vigil), KAFKA_BROKERS (default 127.0.0.1:9092),
 * BENCH_EXPORT_ROWS (default 1000000).
 */
import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { to as copyTo } from 'pg-copy-streams';
import { ExportResultsRepository, createDataSource, migrateUp } from '@vigil/persistence';
import { spawnApi } from '../support/api-process';
import { withClient } from '../support/db';

const ROOT = join(__dirname, '..', '..', '..');
const ADMIN_KEY = `bench-export-admin-${randomBytes(12).toString('hex')}`;
const ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const FROM = '2026-01-01T00:00:00Z';
const TO = '2026-02-01T00:00:00Z';
const HOURS = 31 * 24;
const CONTROLS = 24;

interface Measure {
  name: string;
  ttfbMs: number;
  totalMs: number;
  bytes: number;
  rows: number;
  peakRssMb: number;
}

function databaseUrls(): { admin: string; bench: string; name: string } {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/vigil');
  const name = `vigil_bench_export_${Date.now()}`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const bench = new URL(url);
  bench.pathname = `/${name}`;
  return { admin: admin.toString(), bench: bench.toString(), name };
}

/**
 * Hourly controls on services × 24 controls over January 2026, one result per hour per pair
 * (1 % fail, so the PDF and OSCAL carry exceptions), topped up to exactly ROWS with results of
 * an unmapped pair.
 */
async function seed(url: string): Promise<void> {
  const pairs = Math.floor(ROWS / HOURS);
  const services = Math.ceil(pairs / CONTROLS);
  await withClient(url, async (c) => {
    await c.query(`SELECT vigil_ensure_results_partition('2026-01-01'::date)`);
    await c.query(
      `INSERT INTO services (id, name, owner) SELECT 'svc-' || lpad(s::text, 3, '0'), 'Service ' || s, 'team' FROM generate_series(1, $1) s`,
      [services],
    );
    await c.query(
      `INSERT INTO controls (id) SELECT 'ctl-' || lpad(k::text, 2, '0') FROM generate_series(1, $1) k`,
      [CONTROLS],
    );
    await c.query(
      `INSERT INTO control_versions (control_id, valid_from, title, frequency, tolerable_deviation_rate, criteria)
       SELECT 'ctl-' || lpad(k::text, 2, '0'), '1970-01-01', 'Control ' || k, 'hourly', 0.05, ARRAY['CC6.1']
         FROM generate_series(1, $1) k`,
      [CONTROLS],
    );
    await c.query(
      `INSERT INTO assignments (service_id, control_id, valid_from)
       SELECT 'svc-' || lpad((((p - 1) / $2) + 1)::text, 3, '0'), 'ctl-' || lpad((((p - 1) % $2) + 1)::text, 2, '0'), '2025-01-01'
         FROM generate_series(1, $1) p`,
      [pairs, CONTROLS],
    );
    await c.query(
      `INSERT INTO results (seq, source, event_id, service_id, control_id, outcome, time, received_at, late, evidence, test, event_sha256, kafka_topic, kafka_partition, kafka_offset)
       SELECT nextval('results_seq'), '//bench/checks', md5(p::text || ':' || h::text),
              'svc-' || lpad((((p - 1) / $2) + 1)::text, 3, '0'), 'ctl-' || lpad((((p - 1) % $2) + 1)::text, 2, '0'),
              CASE WHEN (p * 7 + h) % 100 = 0 THEN 'fail' ELSE 'pass' END,
              $3::timestamptz + h * interval '1 hour' + interval '5 minutes', $3::timestamptz + h * interval '1 hour' + interval '6 minutes', false,
              jsonb_build_object('uri', 's3://evidence/' || p || '/' || h || '.json', 'sha256', md5(h::text)),
              '{"id": "bench-check", "version": "1.0.0"}', md5(p::text || h::text) || md5(h::text || p::text), 'control-results', p % 3, h
         FROM generate_series(1, $1) p CROSS JOIN generate_series(0, $4 - 1) h`,
      [pairs, CONTROLS, FROM, HOURS],
    );
    const extra = ROWS - pairs * HOURS;
    if (extra > 0) {
      await c.query(
        `INSERT INTO results (seq, source, event_id, service_id, control_id, outcome, time, received_at, event_sha256)
         SELECT nextval('results_seq'), '//bench/unmapped', 'u' || g, 'svc-unmapped', 'ctl-unmapped', 'pass',
                $2::timestamptz + g * interval '1 minute', now(), 'x'
           FROM generate_series(1, $1) g`,
        [extra, FROM],
      );
    }
    await c.query('ANALYZE');
  });
}

function startApi(url: string, port: number, nodeFlags: string[] = []): ChildProcess {
  return spawnApi({
    databaseUrl: url,
    port,
    adminKey: ADMIN_KEY,
    topicPrefix: `bench-export-${port}`,
    nodeFlags,
    env: {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      VIGIL_TOPIC_AUTO_CREATE: 'true',
    },
  });
}

async function stopApi(api: ChildProcess): Promise<void> {
  if (api.exitCode !== null || api.signalCode !== null) return;
  const exited = new Promise((resolve) => api.once('exit', resolve));
  api.kill('SIGTERM');
  await exited;
}

/** The resident set of a process in MB; 0 once it has exited (the export then fails loudly). */
function rssMb(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0;
  }
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function waitReady(base: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${base}/health/live`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the API did not start within 60 s');
}

async function exportOver(
  base: string,
  pid: number,
  name: string,
  query: string,
  rows: number,
): Promise<Measure> {
  let peak = rssMb(pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 25);
  const start = performance.now();
  // node:http rather than fetch: the client shares the two cores with the API and PostgreSQL.
  const { ttfb, bytes } = await new Promise<{ ttfb: number; bytes: number }>((resolve, reject) => {
    const url = `${base}/api/v1/exports/period?${query}`;
    const req = get(url, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`${name}: HTTP ${res.statusCode}`));
        return;
      }
      let first = 0;
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size === 0) first = performance.now() - start;
        size += chunk.length;
      });
      res.on('end', () => resolve({ ttfb: first, bytes: size }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  const total = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(pid));
  return { name, ttfbMs: ttfb, totalMs: total, bytes, rows, peakRssMb: peak };
}

async function rawCopy(url: string): Promise<Measure> {
  return withClient(url, async (c) => {
    const start = performance.now();
    const stream = c.query(
      copyTo(
        `COPY (SELECT seq, source, event_id, service_id, control_id, outcome, time, received_at, late, evidence, test, details,
                      event_sha256, kafka_topic, kafka_partition, kafka_offset
                 FROM results WHERE time >= '${FROM}' AND time < '${TO}'
                ORDER BY service_id, control_id, time, seq) TO STDOUT WITH (FORMAT csv, HEADER true)`,
      ),
    );
    let ttfb = 0;
    let bytes = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (bytes === 0) ttfb = performance.now() - start;
      bytes += chunk.length;
    }
    return {
      name: 'raw COPY … TO STDOUT (psql-like, no HTTP)',
      ttfbMs: ttfb,
      totalMs: performance.now() - start,
      bytes,
      rows: ROWS,
      peakRssMb: 0,
    };
  });
}

/** The export's own results stream (COPY + CRLF records), in this process, without HTTP. */
async function repositoryStream(url: string): Promise<Measure> {
  const dataSource = await createDataSource({ url, poolSize: 1 }).initialize();
  try {
    const start = performance.now();
    const { stream, rows } = await new ExportResultsRepository(dataSource).streamResultsCsv({
      from: new Date(FROM),
      to: new Date(TO),
      serviceIds: null,
    });
    let ttfb = 0;
    let bytes = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (bytes === 0) ttfb = performance.now() - start;
      bytes += chunk.length;
    }
    const totalMs = performance.now() - start;
    return {
      name: 'results CSV stream in-process (no HTTP)',
      ttfbMs: ttfb,
      totalMs,
      bytes,
      rows: rows(),
      peakRssMb: 0,
    };
  } finally {
    await dataSource.destroy();
  }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const urls = databaseUrls();
  // tsc emits no folder for the (still empty) entities folder, which entity discovery reads.
  mkdirSync(join(ROOT, 'dist/libs/persistence/src/entities'), { recursive: true });
  await withClient(urls.admin, (c) => c.query(`CREATE DATABASE "${urls.name}"`));
  let api: ChildProcess | undefined;
  try {
    await migrateUp({ url: urls.bench });
    const t = performance.now();
    await seed(urls.bench);
    console.log(`seeded ${fmt(ROWS)} results in ${fmt((performance.now() - t) / 1000, 1)} s`);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const period = `from=${FROM}&to=${TO}`;
    const copy = await rawCopy(urls.bench);
    const copyAgain = await rawCopy(urls.bench);
    const raw = copyAgain.totalMs < copy.totalMs ? copyAgain : copy;
    const runs: Measure[] = [raw, await repositoryStream(urls.bench)];
    // The API as `npm run start:api` runs it, then with the heap cap an operator sets in a
    // container (NODE_OPTIONS): V8 grows its heap lazily, so RSS without a cap says more about
    // the garbage collector's appetite than about what an export keeps alive.
    const variants: Array<[string, string[]]> = [
      ['', []],
      [' [--max-old-space-size=160, as shipped]', ['--max-old-space-size=160']],
    ];
    for (const [label, flags] of variants) {
      api = startApi(urls.bench, port, flags);
      const base = `http://127.0.0.1:${port}`;
      await waitReady(base);
      const pid = api.pid as number;
      console.log(`API${label} idle RSS ${fmt(rssMb(pid))} MB`);
      const csvQuery = `${period}&format=csv&table=results`;
      runs.push(await exportOver(base, pid, `csv (table=results)${label}`, csvQuery, ROWS));
      runs.push(await exportOver(base, pid, `csv (table=results), again${label}`, csvQuery, ROWS));
      runs.push(
        await exportOver(
          base,
          pid,
          `zip (all files + manifest)${label}`,
          `${period}&format=zip`,
          ROWS,
        ),
      );
      await stopApi(api);
      api = undefined;
    }
    const lines = [
      `| export | TTFB | total | rows/s | MB | peak RSS of the API | total ÷ raw COPY |`,
      `|---|---:|---:|---:|---:|---:|---:|`,
      ...runs.map(
        (m) =>
          `| ${m.name} | ${fmt(m.ttfbMs)} ms | ${fmt(m.totalMs / 1000, 2)} s | ${fmt(m.rows / (m.totalMs / 1000))} | ${fmt(m.bytes / 1e6, 1)} | ${m.peakRssMb ? `${fmt(m.peakRssMb)} MB` : '—'} | ${fmt(m.totalMs / raw.totalMs, 2)} |`,
      ),
    ];
    console.log(`\n${fmt(ROWS)} results in [${FROM}, ${TO})\n`);
    console.log(lines.join('\n'));
    const uncapped = runs.filter((m) => m.peakRssMb > 0 && !m.name.includes('['));
    const best = Math.min(
      ...uncapped.filter((m) => m.name.startsWith('csv')).map((m) => m.totalMs),
    );
    const peak = Math.max(...uncapped.map((m) => m.peakRssMb));
    const rate = ROWS / (best / 1000);
    console.log(
      `\ntargets: CSV ${fmt(rate)} rows/s (≥ 250,000: ${rate >= 250_000 ? 'met' : 'NOT met'}), ` +
        `peak RSS without a heap cap ${fmt(peak)} MB (≤ 256 MB: ${peak <= 256 ? 'met' : 'NOT met'})`,
    );
  } finally {
    if (api) await stopApi(api);
    await withClient(urls.admin, (c) =>
      c.query(`DROP DATABASE IF EXISTS "${urls.name}" WITH (FORCE)`),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
