/**
 * `npm run bench:ingest` (issue 3): N results (BENCH_N, default 200,000) over 50 services ×
 * 100 controls with 5 % duplicates are produced to a fresh topic; then, on this machine:
 *  1. end to end: a real ingest process (its own OS process, as deployed) from the first batch
 *     it receives to every offset stored in PostgreSQL (validation, dedup, rollups, offsets);
 *  2. the raw kafkajs consume rate of the same records (batch consumer, no processing; best of 2);
 *  3. the raw COPY rate of the same rows into the same `results` table (fresh database; best
 *     of 2);
 *  4. a replay (new consumer group over the same topic: every record is a duplicate);
 * and prints all rates, the ratio end-to-end / min(limits), and the ingest peak RSS (VmHWM).
 *
 * Environment: DATABASE_URL (a database URL on the server to use; fresh databases named
 * vigil_bench_ingest_* are created and dropped), KAFKA_BROKERS, BENCH_N, BENCH_PARTITIONS (6),
 * BENCH_KEEP=1 keeps the databases, BENCH_INGEST_NODE_ARGS adds node flags to the ingest process
 * (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the hot path).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ValidatedResult, decodeKafkaMessage } from '@vigil/contracts';
import { migrateUp } from '@vigil/persistence';
import { KafkaClient, OutgoingMessage } from '@vigil/platform';

const N = Number(process.env.BENCH_N ?? '200000');
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? '6');
const SERVICES = 50;
const CONTROLS = 100;
const DUPLICATE_EVERY = 20; // 5 %
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/vigil';
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const OUTCOMES = ['pass', 'pass', 'pass', 'pass', 'fail', 'error', 'not_applicable'] as const;
const fromTs = __filename.endsWith('.ts');
const ROOT = join(__dirname, '..', '..');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

function databaseUrl(name: string): string {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function freshDatabase(name: string): Promise<string> {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = databaseUrl(name);
  await migrateUp({ url });
  return url;
}

/** N messages: unique events, and every 20th a re-send of an earlier one (same bytes). */
function makeMessages(): { messages: OutgoingMessage[]; unique: number } {
  const messages: OutgoingMessage[] = [];
  const now = Date.now();
  let unique = 0;
  for (let i = 0; i < N; i++) {
    if (i % DUPLICATE_EVERY === DUPLICATE_EVERY - 1) {
      messages.push(messages[(i * 7919) % i]);
      continue;
    }
    const service = `service-${unique % SERVICES}`;
    const control = `control-${Math.floor(unique / SERVICES) % CONTROLS}`;
    const time = new Date(now - ((unique * 104729) % (30 * 86_400)) * 1000 - 60_000);
    const event = {
      specversion: '1.0',
      id: `bench-${unique}-${randomBytes(4).toString('hex')}`,
      source: '//bench.vigil.dev/checks',
      type: 'io.vigil.control.result.v1',
      time: time.toISOString(),
      subject: service,
      datacontenttype: 'application/json',
      data: {
        controlId: control,
        outcome: OUTCOMES[unique % OUTCOMES.length],
        evidence: {
          uri: `s3://evidence/${service}/${control}/${unique}.json`,
          summary: '42/42 users have MFA',
        },
        test: { id: 'aws-iam-mfa-check', version: '1.4.2' },
        details: { checked: 42 },
      },
    };
    messages.push({ key: service, value: JSON.stringify(event) });
    unique++;
  }
  return { messages, unique };
}

async function produce(
  kafka: KafkaClient,
  topic: string,
  messages: OutgoingMessage[],
): Promise<number> {
  const started = Date.now();
  const chunk = 2000;
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < messages.length; i += chunk) {
    inFlight.push(kafka.send(topic, messages.slice(i, i + chunk)));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return Date.now() - started;
}

/** Raw consume: a batch consumer that only commits, from the first batch to the last record. */
async function rawConsume(kafka: KafkaClient, topic: string): Promise<number> {
  let seen = 0;
  let first = 0;
  let last = 0;
  const consumer = kafka.batchConsumer({
    groupId: `bench-raw-${randomBytes(4).toString('hex')}`,
    topics: [topic],
    fromBeginning: true,
    eachBatch: async (batch, controls) => {
      if (first === 0) first = Date.now();
      seen += batch.messages.length;
      await controls.commit(batch.messages[batch.messages.length - 1].offset);
      if (seen >= N) last = Date.now();
    },
  });
  await consumer.start();
  while (last === 0) await sleep(20);
  await consumer.stop();
  return last - first;
}

/** Raw COPY of the stored rows into `results` of a fresh database. */
async function rawCopy(
  results: Array<{ r: ValidatedResult; offset: number }>,
  topic: string,
): Promise<number> {
  const url = await freshDatabase(`vigil_bench_ingest_copy_${process.pid}`);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ month: string }>(
      `SELECT DISTINCT to_char(date_trunc('month', t), 'YYYY-MM-DD') AS month FROM unnest($1::timestamptz[]) t`,
      [[...new Set(results.map(({ r }) => r.time.toISOString().slice(0, 7) + '-01T00:00:00Z'))]],
    );
    for (const { month } of rows)
      await client.query(`SELECT vigil_ensure_results_partition($1::date)`, [month]);
    const receivedAt = new Date().toISOString();
    const esc = (v: string) =>
      v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    const json = (v: unknown) => (v === null || v === undefined ? '\\N' : esc(JSON.stringify(v)));
    const lines = function* () {
      let seq = 0;
      for (const { r, offset } of results) {
        seq++;
        yield `${seq}\t${esc(r.source)}\t${esc(r.id)}\t${esc(r.serviceId)}\t${esc(r.controlId)}\t${r.outcome}\t${r.time.toISOString()}\t${receivedAt}\tf\t${json(r.evidence)}\t${json(r.test)}\t${json(r.details)}\t${r.sha256}\t${esc(topic)}\t0\t${offset}\n`;
      }
    };
    const started = Date.now();
    await pipeline(
      Readable.from(lines()),
      client.query(
        copyFrom(
          `COPY results (seq, source, event_id, service_id, control_id, outcome, time, received_at, late, evidence, test, details, event_sha256, kafka_topic, kafka_partition, kafka_offset) FROM STDIN`,
        ),
      ),
    );
    return Date.now() - started;
  } finally {
    await client.end();
    if (process.env.BENCH_KEEP !== '1')
      await adminQuery(
        `DROP DATABASE IF EXISTS "vigil_bench_ingest_copy_${process.pid}" WITH (FORCE)`,
      );
  }
}

interface IngestRun {
  ms: number;
  decodeMs: number;
  transactionMs: number;
  batches: number;
  peakRssMb: number;
  stored: number;
}

/** Runs one ingest process until the group's stored offsets reach the high watermarks. */
async function ingestRun(
  url: string,
  topic: string,
  dlq: string,
  group: string,
  high: number,
): Promise<IngestRun> {
  const main = fromTs
    ? join(ROOT, 'apps', 'ingest', 'src', 'main.ts')
    : join(ROOT, 'apps', 'ingest', 'src', 'main.js');
  // The shipped launch flags (package.json start:ingest, k8s, compose) unless told otherwise.
  const nodeArgs = (process.env.BENCH_INGEST_NODE_ARGS ?? '--max-old-space-size=160')
    .split(' ')
    .filter(Boolean);
  const args = fromTs
    ? ['-r', join(ROOT, 'test', 'faults', 'support', 'swc-register.js'), main]
    : [main];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      KAFKA_BROKERS: BROKERS,
      VIGIL_TOPIC_RESULTS: topic,
      VIGIL_TOPIC_DLQ: dlq,
      VIGIL_CONSUMER_GROUP: group,
      LOG_LEVEL: 'debug',
      PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let first = 0;
  let stored = 0;
  let decodeMs = 0;
  let transactionMs = 0;
  let batches = 0;
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (first === 0 && line.includes('"batch received"')) first = Date.now();
      if (line.includes('"batch ingested"')) {
        const report = JSON.parse(line) as {
          stored: number;
          decodeMs: number;
          transactionMs: number;
        };
        stored += report.stored;
        decodeMs += report.decodeMs;
        transactionMs += report.transactionMs;
        batches++;
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const client = new Client({ connectionString: url });
  await client.connect();
  let done = 0;
  let peakRssMb = 0;
  try {
    for (;;) {
      const { rows } = await client.query<{ n: string | null }>(
        `SELECT sum(next_offset) AS n FROM ingest_offsets WHERE consumer_group = $1 AND topic = $2`,
        [group, topic],
      );
      if (Number(rows[0].n ?? 0) >= high) {
        done = Date.now();
        break;
      }
      if (child.exitCode !== null) throw new Error('the ingest process exited');
      await sleep(25);
    }
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    peakRssMb = Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
  } finally {
    await client.end();
    child.kill('SIGTERM');
    await exited;
  }
  return { ms: done - first, peakRssMb, stored, decodeMs, transactionMs, batches };
}

async function main(): Promise<void> {
  const tag = `${Date.now()}-${randomBytes(3).toString('hex')}`;
  const topic = `bench-${tag}.control-results`;
  const dlq = `${topic}.dlq`;
  const dbName = `vigil_bench_ingest_${process.pid}`;
  const kafka = new KafkaClient({ brokers: BROKERS.split(','), clientId: 'vigil-bench-ingest' });
  console.log(
    `bench:ingest N=${N} (${SERVICES} services × ${CONTROLS} controls, 5 % duplicates), ${PARTITIONS} partitions`,
  );
  try {
    await kafka.ensureTopics(
      [topic, dlq].map((t) => ({ topic: t, numPartitions: PARTITIONS, replicationFactor: 1 })),
    );
    const { messages, unique } = makeMessages();
    const produceMs = await produce(kafka, topic, messages);
    console.log(
      `produced ${messages.length} records in ${produceMs} ms (${rate(messages.length, produceMs)}/s)`,
    );
    const high = (await kafka.topicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);

    // The rows COPY will write: the same events decoded as ingest decodes them.
    const receivedAt = new Date();
    const seen = new Set<string>();
    const rows: Array<{ r: ValidatedResult; offset: number }> = [];
    messages.forEach((m, offset) => {
      const d = decodeKafkaMessage({ value: Buffer.from(m.value as string) }, receivedAt);
      if (d.ok && !seen.has(d.result.id)) {
        seen.add(d.result.id);
        rows.push({ r: d.result, offset });
      }
    });

    const url = await freshDatabase(dbName);
    const e2e = await ingestRun(url, topic, dlq, `bench-${tag}`, high);
    const check = new Client({ connectionString: url });
    await check.connect();
    const storedRows = Number(
      (await check.query<{ n: string }>(`SELECT count(*) AS n FROM results`)).rows[0].n,
    );
    await check.end();
    if (storedRows !== unique)
      throw new Error(`expected ${unique} stored results, found ${storedRows}`);
    const replay = await ingestRun(url, topic, dlq, `bench-${tag}-replay`, high);
    if (replay.stored !== 0) throw new Error(`the replay stored ${replay.stored} results`);

    // The limits are what this machine can do at best: the faster of two runs of each (a
    // single COPY varied 28,000-50,000 rows/s between runs on a shared 2-core machine).
    const consumeMs = Math.min(await rawConsume(kafka, topic), await rawConsume(kafka, topic));
    const copyMs = Math.min(await rawCopy(rows, topic), await rawCopy(rows, topic));

    const e2eRate = rate(N, e2e.ms);
    const consumeRate = rate(N, consumeMs);
    const copyRate = rate(rows.length, copyMs);
    const replayRate = rate(N, replay.ms);
    const limit = Math.min(consumeRate, copyRate);
    console.log(
      `end-to-end (Kafka → committed rows):  ${e2eRate} results/s  (${N} records, ${unique} stored, ${e2e.ms} ms)`,
    );
    console.log(
      `raw kafkajs consume:                  ${consumeRate} records/s (${consumeMs} ms, best of 2)`,
    );
    console.log(
      `raw COPY into results:                ${copyRate} rows/s    (${rows.length} rows, ${copyMs} ms, best of 2)`,
    );
    console.log(`ratio end-to-end / min(limits):       ${(e2eRate / limit).toFixed(2)}`);
    console.log(`replay (all duplicates, new group):   ${replayRate} results/s (${replay.ms} ms)`);
    console.log(
      `  end-to-end breakdown: ${e2e.batches} batches, decode ${e2e.decodeMs} ms, transactions ${e2e.transactionMs} ms (summed over concurrent partitions)`,
    );
    console.log(
      `ingest peak RSS (VmHWM):              ${e2e.peakRssMb} MB (replay ${replay.peakRssMb} MB)`,
    );
  } finally {
    await kafka.close();
    if (process.env.BENCH_KEEP !== '1')
      await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
