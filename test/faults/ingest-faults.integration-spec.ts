import { KafkaClient, OutgoingMessage } from '@vigil/platform';
import { IngestProcess } from './support/ingest-process';
import {
  TopicReader,
  count,
  offsetsVsHighWatermarks,
  resultEvent,
  rollupsVsRecomputed,
  testKafka,
  waitFor,
  withPg,
} from './support/ingest-harness';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from '../support/infra';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OUTCOMES = ['pass', 'pass', 'pass', 'fail', 'error', 'not_applicable'] as const;

/**
 * Exactly-once in effect under hard failures (SPEC §3, issue 3): the ingest app runs as child
 * processes (see support/ingest-process.ts) against the real broker and PostgreSQL, and after
 * each scenario the database must hold exactly the produced set, rollups equal to a
 * recomputation from `results`, and offsets at the end of every partition.
 */
describe('ingest under faults', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let kafka: KafkaClient;
  let dlq: TopicReader;
  const expected = new Set<string>();
  const processes: IngestProcess[] = [];
  let producedDuplicates = 0;

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(3)]);
    kafka = testKafka('vigil-fault-test');
    dlq = await new TopicReader(kafka, topics.deadLetter).start();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill9()));
    await dlq?.stop();
    await kafka?.close();
    await db?.drop();
  });

  function spawnIngest(name: string, extra: NodeJS.ProcessEnv = {}): IngestProcess {
    const p = new IngestProcess(
      name,
      appEnv(db, topics, {
        LOG_LEVEL: 'debug',
        INGEST_MAX_BATCH: '100',
        INGEST_SESSION_TIMEOUT_MS: '6000',
        SHUTDOWN_TIMEOUT_MS: '20000',
        ...extra,
      }),
    );
    processes.push(p);
    return p;
  }

  /**
   * Sends `n` distinct results (20 services × 10 controls, times over the last 40 days so two
   * monthly partitions are touched) and re-sends 5 % of them later in the stream.
   */
  async function produce(prefix: string, n: number, chunk = 100, pauseMs = 60): Promise<void> {
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
      expected.add(`${prefix}-${i}`);
      if (i % 20 === 7) {
        messages.push(message);
        producedDuplicates++;
      }
    }
    for (let i = 0; i < messages.length; i += chunk) {
      await kafka.send(topics.results, messages.slice(i, i + chunk));
      await sleep(pauseMs);
    }
  }

  async function settled(group = topics.group): Promise<void> {
    await waitFor(
      `every partition consumed by ${group}`,
      async () => {
        const { stored, high } = await offsetsVsHighWatermarks(
          db.url,
          kafka,
          group,
          topics.results,
        );
        return JSON.stringify(stored) === JSON.stringify(high);
      },
      90_000,
      200,
    );
  }

  /** The database holds exactly the expected results; prints deliveries vs effects. */
  async function assertExact(scenario: string, involved: IngestProcess[]): Promise<void> {
    const stats = await withPg(db.url, async (c) => {
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
      `[ingest faults] ${scenario}: results ${stats.n}/${expected.size}; duplicate effects ${duplicateEffects}; ` +
        `duplicate deliveries ${deliveries - distinct.size} of ${deliveries} (redelivered records); ` +
        `duplicates sent by the producer ${producedDuplicates}; processes ${involved.length}\n`,
    );
    expect(duplicateEffects).toBe(0);
    expect(Number(stats.n)).toBe(expected.size);
    expect(new Set(stats.ids)).toEqual(expected);
    const { stored, recomputed } = await rollupsVsRecomputed(db.url);
    expect(stored).toEqual(recomputed);
    const offsets = await offsetsVsHighWatermarks(db.url, kafka, topics.group, topics.results);
    expect(offsets.stored).toEqual(offsets.high);
    // Infrastructure faults never dead-letter valid results.
    expect(dlq.messages).toHaveLength(0);
  }

  it('loses nothing and stores nothing twice when killed with SIGKILL repeatedly, before and after the database commit', async () => {
    const producing = produce('kill', 3000);
    const beforeCommit = spawnIngest('before-db-commit', { INGEST_FAULT: 'before-db-commit:3' });
    await expect(beforeCommit.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    const afterCommit = spawnIngest('after-db-commit', { INGEST_FAULT: 'after-db-commit:2' });
    await expect(afterCommit.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    const plain = [spawnIngest('plain-1')];
    await plain[0].untilBatches(3);
    await plain[0].kill9();
    plain.push(spawnIngest('plain-2'));
    await plain[1].untilBatches(2);
    await plain[1].kill9();
    await producing;
    const last = spawnIngest('final');
    await settled();
    await assertExact('kill -9 ×4', [beforeCommit, afterCommit, ...plain, last]);
    // SIGTERM drains and exits 0.
    await expect(last.terminate()).resolves.toEqual({ code: 0, signal: null });
  });

  it('pauses and retries without committing or dead-lettering when its database connections are killed mid-stream', async () => {
    const ingest = spawnIngest('terminated');
    const producing = produce('term', 3000, 100, 80);
    await ingest.untilBatches(3);
    let terminated = 0;
    for (let i = 0; i < 3; i++) {
      terminated += await count(
        db.url,
        `SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'vigil-ingest' AND pid <> pg_backend_pid()) t`,
        [db.name],
      );
      await sleep(700);
    }
    expect(terminated).toBeGreaterThan(0);
    await producing;
    await settled();
    expect(ingest.alive).toBe(true);
    await assertExact('pg_terminate_backend ×3', [ingest]);
    await ingest.terminate();
  });

  it('ends exact when the group rebalances from one to three instances and back to one under load', async () => {
    const first = spawnIngest('rebalance-a');
    const producing = produce('rebalance', 4000, 100, 100);
    await first.untilBatches(2);
    const added = [spawnIngest('rebalance-b'), spawnIngest('rebalance-c')];
    await Promise.all(added.map((p) => p.untilBatches(1, 45_000)));
    await expect(Promise.all(added.map((p) => p.terminate()))).resolves.toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    await producing;
    await settled();
    await assertExact('rebalance 1 → 3 → 1', [first, ...added]);
    await first.terminate();
  });

  it('changes nothing when a new consumer group replays the whole topic', async () => {
    const snapshot = () =>
      withPg(db.url, async (c) => {
        const results = await c.query<{ h: string }>(
          `SELECT md5(string_agg(r::text, '|' ORDER BY seq)) AS h FROM results r`,
        );
        const rollups = await c.query<{ h: string }>(
          `SELECT md5(string_agg(d::text, '|' ORDER BY service_id, control_id, day)) AS h FROM daily_rollups d`,
        );
        return { results: results.rows[0].h, rollups: rollups.rows[0].h };
      });
    const before = await snapshot();
    const group = `${topics.group}-replay`;
    const replay = spawnIngest('replay', { VIGIL_CONSUMER_GROUP: group });
    await settled(group);
    await expect(snapshot()).resolves.toEqual(before);
    const stored = replay.batches.reduce((n, b) => n + b.stored, 0);
    const duplicates = replay.batches.reduce((n, b) => n + b.duplicates, 0);
    process.stdout.write(
      `[ingest faults] replay: ${duplicates} duplicates recognised, ${stored} stored\n`,
    );
    expect(stored).toBe(0);
    expect(duplicates).toBe(expected.size + producedDuplicates);
    await replay.terminate();
  });
});
