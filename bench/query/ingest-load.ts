/**
 * Ingest at full speed beside the query benchmark's reads (issue 5: "the same reads at most 2×
 * slower while ingest runs at full speed"): a fresh topic filled with fresh results (times in
 * the last hour, for services outside the benchmark's catalogue, so the reads' answers do not
 * change), then a real ingest process (`dist/apps/ingest/src/main.js`, the shipped heap cap)
 * consuming it into the benchmark's database while the reads run. Removed afterwards.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { KafkaClient, OutgoingMessage } from '@vigil/platform';

const SERVICE_PREFIX = 'load-svc-';

export interface IngestLoad {
  /** Waits until the ingest process has stored its first batch. */
  started(): Promise<void>;
  /** Stops ingest; returns what it stored while running and whether it was still busy. */
  stop(): Promise<{ stored: number; seconds: number; rate: number; stillBusy: boolean }>;
}

function loadMessages(from: number, n: number, now: number): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  for (let i = from; i < from + n; i++) {
    const service = `${SERVICE_PREFIX}${i % 50}`;
    messages.push({
      key: service,
      value: JSON.stringify({
        specversion: '1.0',
        id: `load-${i}-${randomBytes(4).toString('hex')}`,
        source: '//bench.vigil.dev/query-load',
        type: 'io.vigil.control.result.v1',
        time: new Date(now - ((i * 7919) % 3_000_000) - 60_000).toISOString(),
        subject: service,
        datacontenttype: 'application/json',
        data: {
          controlId: `load-ctl-${Math.floor(i / 50) % 200}`,
          outcome: i % 20 === 0 ? 'fail' : 'pass',
          evidence: { uri: `s3://evidence/load/${i}.json` },
        },
      }),
    });
  }
  return messages;
}

export async function startIngestLoad(options: {
  databaseUrl: string;
  brokers: string;
  records: number;
}): Promise<IngestLoad> {
  const tag = `${Date.now()}-${randomBytes(3).toString('hex')}`;
  const topic = `bench-query-load-${tag}.control-results`;
  const dlq = `${topic}.dlq`;
  const group = `bench-query-load-${tag}`;
  const kafka = new KafkaClient({
    brokers: options.brokers.split(','),
    clientId: 'vigil-bench-load',
  });
  await kafka.ensureTopics(
    [topic, dlq].map((t) => ({ topic: t, numPartitions: 6, replicationFactor: 1 })),
  );
  const now = Date.now();
  for (let i = 0; i < options.records; i += 5000) {
    await kafka.send(topic, loadMessages(i, Math.min(5000, options.records - i), now));
  }
  const high = (await kafka.topicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);

  const child: ChildProcess = spawn(
    process.execPath,
    // This file runs compiled, from dist/bench/query.
    ['--max-old-space-size=160', join(__dirname, '..', '..', 'apps', 'ingest', 'src', 'main.js')],
    {
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl,
        KAFKA_BROKERS: options.brokers,
        VIGIL_TOPIC_RESULTS: topic,
        VIGIL_TOPIC_DLQ: dlq,
        VIGIL_CONSUMER_GROUP: group,
        LOG_LEVEL: 'warn',
        PORT: '0',
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  const progress = async () =>
    Number(
      (
        await client.query<{ n: string | null }>(
          `SELECT sum(next_offset) AS n FROM ingest_offsets WHERE consumer_group = $1`,
          [group],
        )
      ).rows[0].n ?? 0,
    );
  let startedAt = 0;
  let startOffset = 0;
  return {
    async started() {
      for (;;) {
        startOffset = await progress();
        if (startOffset > 0) break;
        if (child.exitCode !== null) throw new Error('the ingest process exited');
        await new Promise((r) => setTimeout(r, 20));
      }
      startedAt = Date.now();
    },
    async stop() {
      const stored = (await progress()) - startOffset;
      const seconds = (Date.now() - startedAt) / 1000;
      const stillBusy = startOffset + stored < high;
      child.kill('SIGTERM');
      await exited;
      await client.query(`DELETE FROM results WHERE service_id LIKE '${SERVICE_PREFIX}%'`);
      await client.query(
        `DELETE FROM result_identities WHERE source = '//bench.vigil.dev/query-load'`,
      );
      for (const table of ['daily_rollups', 'daily_rollup_deltas']) {
        await client.query(`DELETE FROM ${table} WHERE service_id LIKE '${SERVICE_PREFIX}%'`);
      }
      await client.query(`DELETE FROM ingest_offsets WHERE consumer_group = $1`, [group]);
      await client.end();
      await kafka.deleteTopics([topic, dlq]).catch(() => undefined);
      await kafka.close();
      return { stored, seconds, rate: Math.round(stored / seconds), stillBusy };
    },
  };
}
