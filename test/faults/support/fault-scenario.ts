import { KafkaClient, OutgoingMessage } from '@vigil/platform';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from '../../support/infra';
import { IngestProcess } from './ingest-process';
import {
  TopicReader,
  offsetsVsHighWatermarks,
  resultEvent,
  rollupsVsRecomputed,
  testKafka,
  waitFor,
  withPg,
} from './ingest-harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OUTCOMES = ['pass', 'pass', 'pass', 'fail', 'error', 'not_applicable'] as const;

/**
 * One fault-test file's world: a database, topics, a DLQ reader, the ingest processes it
 * spawned, and the set of results it produced, with the checks that the database holds
 * exactly that set (SPEC §3: no loss, no double count).
 */
export class FaultScenario {
  readonly expected = new Set<string>();
  readonly processes: IngestProcess[] = [];
  producedDuplicates = 0;
  db!: TestDatabase;
  topics!: TestTopics;
  kafka!: KafkaClient;
  dlq!: TopicReader;

  async setUp(): Promise<void> {
    [this.db, this.topics] = await Promise.all([createTestDatabase(), createTestTopics(3)]);
    this.kafka = testKafka('vigil-fault-test');
    this.dlq = await new TopicReader(this.kafka, this.topics.deadLetter).start();
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill9()));
    await this.dlq?.stop();
    await this.kafka?.close();
    await this.db?.drop();
  }

  spawnIngest(name: string, extra: NodeJS.ProcessEnv = {}): IngestProcess {
    const p = new IngestProcess(
      name,
      appEnv(this.db, this.topics, {
        LOG_LEVEL: 'debug',
        INGEST_MAX_BATCH: '100',
        INGEST_SESSION_TIMEOUT_MS: '6000',
        SHUTDOWN_TIMEOUT_MS: '20000',
        ...extra,
      }),
    );
    this.processes.push(p);
    return p;
  }

  /**
   * Sends `n` distinct results (20 services × 10 controls, times over the last 40 days so two
   * monthly partitions are touched) and re-sends 5 % of them later in the stream. Sends are
   * retried, so the producer survives a broker restart like a real one would.
   */
  async produce(prefix: string, n: number, chunk = 100, pauseMs = 60): Promise<void> {
    const messages: OutgoingMessage[] = [];
    for (let i = 0; i < n; i++) {
      const event = resultEvent({
        id: `${prefix}-${i}`,
        service: `svc-${i % 20}`,
        control: `ctl-${(i >> 3) % 10}`,
        outcome: OUTCOMES[i % OUTCOMES.length],
        time: new Date(Date.now() - ((i * 7919) % ((40 * 86_400_000) / 1000)) * 1000).toISOString(),
      });
      const message = { key: String(event.subject), value: JSON.stringify(event) };
      messages.push(message);
      this.expected.add(`${prefix}-${i}`);
      if (i % 20 === 7) {
        messages.push(message);
        this.producedDuplicates++;
      }
    }
    for (let i = 0; i < messages.length; i += chunk) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.kafka.send(this.topics.results, messages.slice(i, i + chunk));
          break;
        } catch (error) {
          if (attempt >= 60) throw error;
          await sleep(500);
        }
      }
      await sleep(pauseMs);
    }
  }

  async settled(group = this.topics.group, timeoutMs = 90_000): Promise<void> {
    await waitFor(
      `every partition consumed by ${group}`,
      async () => {
        const { stored, high } = await offsetsVsHighWatermarks(
          this.db.url,
          this.kafka,
          group,
          this.topics.results,
        );
        return JSON.stringify(stored) === JSON.stringify(high);
      },
      timeoutMs,
      200,
    );
  }

  /** The database holds exactly the expected results; prints deliveries vs effects. */
  async assertExact(label: string, involved: IngestProcess[]): Promise<void> {
    const stats = await withPg(this.db.url, async (c) => {
      const { rows } = await c.query<{ n: string; identities: string; ids: string[] }>(
        `SELECT count(*) AS n, count(DISTINCT (source, event_id)) AS identities, array_agg(event_id) AS ids FROM results`,
      );
      return rows[0];
    });
    const duplicateEffects = Number(stats.n) - Number(stats.identities);
    // Deliveries: every record handed to the use case, also in batches a crash interrupted.
    let deliveries = 0;
    const distinct = new Set<string>();
    for (const r of involved.flatMap((p) => p.received)) {
      for (let o = BigInt(r.firstOffset); o <= BigInt(r.lastOffset); o++) {
        deliveries++;
        distinct.add(`${r.partition}:${o}`);
      }
    }
    process.stdout.write(
      `[ingest faults] ${label}: results ${stats.n}/${this.expected.size}; duplicate effects ${duplicateEffects}; ` +
        `duplicate deliveries ${deliveries - distinct.size} of ${deliveries} (redelivered records); ` +
        `duplicates sent by the producer ${this.producedDuplicates}; processes ${involved.length}\n`,
    );
    expect(duplicateEffects).toBe(0);
    expect(Number(stats.n)).toBe(this.expected.size);
    expect(new Set(stats.ids)).toEqual(this.expected);
    const { stored, recomputed } = await rollupsVsRecomputed(this.db.url);
    expect(stored).toEqual(recomputed);
    const offsets = await offsetsVsHighWatermarks(
      this.db.url,
      this.kafka,
      this.topics.group,
      this.topics.results,
    );
    expect(offsets.stored).toEqual(offsets.high);
    // Infrastructure faults never dead-letter valid results.
    expect(this.dlq.messages).toHaveLength(0);
  }
}
