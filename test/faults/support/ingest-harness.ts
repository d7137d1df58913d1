import { randomUUID } from 'node:crypto';
import { BatchConsumer, ConsumedMessage, KafkaClient, OutgoingMessage } from '@vigil/platform';
import { CURRENT_DAILY_ROLLUPS_SQL, RECOMPUTE_DAILY_ROLLUPS_SQL } from '@vigil/persistence';
import { kafkaBrokers } from '../../support/infra';
import { withClient } from '../../support/seed-effectiveness';

/** Helpers shared by the ingest integration and fault tests (real Kafka, real PostgreSQL). */

export function testKafka(clientId = 'vigil-ingest-test'): KafkaClient {
  return new KafkaClient({ brokers: kafkaBrokers().split(','), clientId });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface ResultEventOptions {
  id?: string;
  source?: string;
  service?: string;
  control?: string;
  outcome?: 'pass' | 'fail' | 'error' | 'not_applicable';
  time?: string;
  details?: Record<string, unknown>;
}

/** A structured-mode CloudEvent of a control result, as a producer would send it. */
export function resultEvent(o: ResultEventOptions = {}): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: o.id ?? randomUUID(),
    source: o.source ?? '//ci.acme.dev/checks/test',
    type: 'io.vigil.control.result.v1',
    time: o.time ?? '2026-11-29T10:02:11Z',
    subject: o.service ?? 'payments-api',
    datacontenttype: 'application/json',
    data: {
      controlId: o.control ?? 'mfa-enforced',
      outcome: o.outcome ?? 'pass',
      evidence: { uri: 's3://evidence/x.json', summary: 'ok' },
      test: { id: 'check', version: '1.0.0' },
      details: o.details ?? { checked: 1 },
    },
  };
}

export function asMessage(event: Record<string, unknown>): OutgoingMessage {
  return {
    key: typeof event.subject === 'string' ? event.subject : null,
    value: JSON.stringify(event),
  };
}

/** Reads a topic from the beginning with a fresh group, collecting every record. */
export class TopicReader {
  readonly messages: Array<ConsumedMessage & { partition: number }> = [];
  private consumer?: BatchConsumer;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly topic: string,
  ) {}

  async start(): Promise<this> {
    this.consumer = this.kafka.batchConsumer({
      groupId: `reader-${randomUUID()}`,
      topics: [this.topic],
      fromBeginning: true,
      maxWaitTimeMs: 100,
      eachBatch: async (batch, controls) => {
        for (const m of batch.messages) this.messages.push({ ...m, partition: batch.partition });
        await controls.commit(batch.messages[batch.messages.length - 1].offset);
      },
    });
    await this.consumer.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}

export function header(m: ConsumedMessage, name: string): string | undefined {
  const v = m.headers[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' ? one : one.toString('utf8');
}

/** A fresh connection for `work` (the seeding helpers' `withClient`, by its harness name). */
export const withPg = withClient;

export async function count(url: string, sql: string, params: unknown[] = []): Promise<number> {
  return withPg(url, async (c) => Number((await c.query<{ n: string }>(sql, params)).rows[0].n));
}

/** Stored rollups and the rollups recomputed from `results`, as comparable JSON rows. */
export async function rollupsVsRecomputed(
  url: string,
): Promise<{ stored: unknown[]; recomputed: unknown[] }> {
  return withPg(url, async (c) => {
    const stored = await c.query(CURRENT_DAILY_ROLLUPS_SQL);
    const recomputed = await c.query(RECOMPUTE_DAILY_ROLLUPS_SQL);
    return { stored: stored.rows, recomputed: recomputed.rows };
  });
}

/** Per partition: next offset stored by ingest and the topic's high watermark. */
export async function offsetsVsHighWatermarks(
  url: string,
  kafka: KafkaClient,
  group: string,
  topic: string,
): Promise<{ stored: Record<number, string>; high: Record<number, string> }> {
  const rows = await withPg(
    url,
    async (c) =>
      (
        await c.query<{ partition: number; next_offset: string }>(
          `SELECT partition, next_offset FROM ingest_offsets WHERE consumer_group = $1 AND topic = $2`,
          [group, topic],
        )
      ).rows,
  );
  const stored: Record<number, string> = {};
  for (const r of rows) stored[r.partition] = r.next_offset;
  const high: Record<number, string> = {};
  for (const p of await kafka.topicOffsets(topic)) if (p.high !== '0') high[p.partition] = p.high;
  return { stored, high };
}
