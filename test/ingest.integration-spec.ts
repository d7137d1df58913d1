import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ResultPackRepository, createDataSource } from '@vigil/persistence';
import { KafkaClient } from '@vigil/platform';
import { createIngest } from '../apps/ingest/src/bootstrap';
import { IngestConsumer } from '../apps/ingest/src/ingest.consumer';
import {
  TopicReader,
  asMessage,
  count,
  header,
  offsetsVsHighWatermarks,
  resultEvent,
  rollupsVsRecomputed,
  testKafka,
  waitFor,
  withPg,
} from './faults/support/ingest-harness';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
} from './support/infra';

describe(IngestConsumer.name, () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let kafka: KafkaClient;
  let dlq: TopicReader;

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(3)]);
    ({ app } = await createIngest(appEnv(db, topics, { INGEST_MAX_BATCH: '40' })));
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    kafka = testKafka();
    dlq = await new TopicReader(kafka, topics.deadLetter).start();
  });

  afterAll(async () => {
    await dlq?.stop();
    await kafka?.close();
    await app?.close();
    await db?.drop();
  });

  const storedCount = (where = 'true', params: unknown[] = []) =>
    count(db.url, `SELECT count(*) AS n FROM results WHERE ${where}`, params);

  it('stores valid results, unknown pairs included, and flags late ones when results arrive', async () => {
    const now = Date.now();
    const recent = new Date(now - 3_600_000).toISOString();
    const old = new Date(now - 3 * 86_400_000).toISOString();
    const events = [
      resultEvent({ id: 'v-1', service: 'svc-a', control: 'ctl-1', time: recent }),
      resultEvent({ id: 'v-2', service: 'svc-a', control: 'ctl-2', time: old, outcome: 'fail' }),
      resultEvent({
        id: 'v-3',
        service: 'never-catalogued',
        control: 'unknown-control',
        time: recent,
      }),
    ];
    await kafka.send(topics.results, events.map(asMessage));
    await waitFor('3 results', async () => (await storedCount(`event_id LIKE 'v-%'`)) === 3);
    const rows = await withPg(
      db.url,
      async (c) =>
        (
          await c.query(
            `SELECT event_id, service_id, control_id, outcome, late, kafka_topic, kafka_partition, evidence, test, details
             FROM results WHERE event_id LIKE 'v-%' ORDER BY event_id`,
          )
        ).rows,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        event_id: 'v-1',
        service_id: 'svc-a',
        control_id: 'ctl-1',
        late: false,
      }),
      expect.objectContaining({ event_id: 'v-2', outcome: 'fail', late: true }),
      expect.objectContaining({
        event_id: 'v-3',
        service_id: 'never-catalogued',
        control_id: 'unknown-control',
      }),
    ]);
    expect(rows[0]).toMatchObject({
      kafka_topic: topics.results,
      evidence: { uri: 's3://evidence/x.json', summary: 'ok' },
      test: { id: 'check', version: '1.0.0' },
      details: { checked: 1 },
    });
  });

  it('dead-letters every rejection code with its headers and original bytes when the partition keeps flowing', async () => {
    const key = 'svc-dlq';
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const stored = resultEvent({ id: 'conflicting', service: key, outcome: 'pass' });
    await kafka.send(topics.results, [asMessage(stored)]);
    await waitFor(
      'the first of a conflicting pair',
      async () => (await storedCount(`event_id = 'conflicting'`)) === 1,
    );

    const levels = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const deepEvent = (n: number) =>
      JSON.stringify(resultEvent({ service: key, details: { deep: 0 } })).replace(
        '"deep":0',
        `"deep":${levels(n)}`,
      );
    const nul = /must not contain the NUL character \(U\+0000\)/;
    const tooDeep = /^data must not nest objects and arrays more than 64 levels deep/;
    // Code, record value, and the validator's message where the test pins it.
    const bad: Array<[string, string | Buffer, RegExp?]> = [
      ['malformed_json', '{"specversion": "1.0", '],
      [
        'invalid_envelope',
        JSON.stringify({ ...resultEvent({ service: key }), specversion: '0.3' }),
      ],
      ['invalid_data', JSON.stringify(resultEvent({ service: key, outcome: 'maybe' as 'pass' }))],
      [
        'payload_too_large',
        JSON.stringify(resultEvent({ service: key, details: { blob: 'x'.repeat(70_000) } })),
      ],
      ['time_in_future', JSON.stringify(resultEvent({ service: key, time: future }))],
      [
        'id_conflict',
        JSON.stringify({ ...stored, data: { ...(stored.data as object), outcome: 'fail' } }),
      ],
      // PostgreSQL stores no \u0000: the validator refuses it up front, as HTTP ingest does.
      [
        'invalid_data',
        JSON.stringify(resultEvent({ service: key, details: { nul: '\u0000' } })),
        nul,
      ],
      ['invalid_envelope', JSON.stringify(resultEvent({ id: 'nul-\u0000-id', service: key })), nul],
      // data.details.deep makes data 65 levels deep; then 30,000 (under 64 KiB), far more than
      // anything recursive could walk: both are the validator's invalid_data.
      ['invalid_data', deepEvent(63), tooDeep],
      ['invalid_data', deepEvent(30_000), tooDeep],
      // jsonb stores no unpaired surrogate either: refused up front too.
      [
        'invalid_data',
        JSON.stringify(resultEvent({ service: key, details: { half: '\ud800' } })),
        /unpaired surrogate/,
      ],
    ];
    const messages = bad.flatMap(([, value], i) => [
      { key, value },
      asMessage(resultEvent({ id: `after-bad-${i}`, service: key })),
    ]);
    await kafka.send(topics.results, messages);

    await waitFor(
      'every valid result after a bad one',
      async () => (await storedCount(`event_id LIKE 'after-bad-%'`)) === bad.length,
    );
    const dead = await waitFor('the DLQ records', async () => {
      const mine = dlq.messages.filter((m) => m.key?.toString() === key);
      return mine.length >= bad.length ? mine : undefined;
    });
    expect(dead).toHaveLength(bad.length);
    const byOffset = [...dead].sort((a, b) =>
      Number(
        BigInt(header(a, 'vigil-original-offset')!) - BigInt(header(b, 'vigil-original-offset')!),
      ),
    );
    expect(byOffset.map((m) => header(m, 'vigil-error-code'))).toEqual(bad.map(([code]) => code));
    for (const [i, m] of byOffset.entries()) {
      expect(m.value?.toString()).toEqual(bad[i][1].toString());
      expect(header(m, 'vigil-original-topic')).toBe(topics.results);
      expect(header(m, 'vigil-original-partition')).toMatch(/^\d+$/);
      expect(header(m, 'vigil-error-message')).toEqual(expect.any(String));
      expect(header(m, 'vigil-error-message')!.length).toBeGreaterThan(5);
      const message = bad[i][2];
      if (message !== undefined) expect(header(m, 'vigil-error-message')).toMatch(message);
    }
    // The first of the conflicting pair stays as it was.
    await expect(storedCount(`event_id = 'conflicting' AND outcome = 'pass'`)).resolves.toBe(1);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    for (const code of [
      'malformed_json',
      'invalid_envelope',
      'payload_too_large',
      'time_in_future',
      'id_conflict',
    ]) {
      expect(metrics.text).toMatch(
        new RegExp(`vigil_ingest_rejections_total\\{code="${code}"[^}]*\\} [1-9]`),
      );
    }
    const invalidData = /vigil_ingest_rejections_total\{code="invalid_data"[^}]*\} (\d+)/.exec(
      metrics.text,
    );
    expect(Number(invalidData?.[1])).toBeGreaterThanOrEqual(
      bad.filter(([code]) => code === 'invalid_data').length,
    );
  });

  it('stores a redelivered event once and dead-letters a same-identity different-content event when both come in one batch', async () => {
    const key = 'svc-dup';
    const event = resultEvent({ id: 'dup-1', service: key });
    const different = { ...event, data: { ...(event.data as object), outcome: 'error' } };
    await kafka.send(topics.results, [
      asMessage(event),
      asMessage(event),
      asMessage(different),
      asMessage(event),
    ]);
    await waitFor('the conflict on the DLQ', async () =>
      dlq.messages.some(
        (m) => m.key?.toString() === key && header(m, 'vigil-error-code') === 'id_conflict',
      ),
    );
    // A later redelivery (another batch) is a duplicate too.
    await kafka.send(topics.results, [
      asMessage(event),
      asMessage(resultEvent({ id: 'dup-marker', service: key })),
    ]);
    await waitFor(
      'the marker after the redelivery',
      async () => (await storedCount(`event_id = 'dup-marker'`)) === 1,
    );
    await expect(storedCount(`event_id = 'dup-1'`)).resolves.toBe(1);
    expect(dlq.messages.filter((m) => m.key?.toString() === key)).toHaveLength(1);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    const duplicates = Number(
      /vigil_ingest_duplicates_total\{[^}]*\} (\d+)/.exec(metrics.text)?.[1],
    );
    expect(duplicates).toBeGreaterThanOrEqual(3);
    expect(metrics.text).toMatch(/vigil_ingest_batch_size_bucket/);
    expect(metrics.text).toMatch(/vigil_ingest_consumer_lag\{partition="\d+"/);
    expect(metrics.text).toMatch(/vigil_ingest_results_stored_total\{[^}]*\} [1-9]/);
  });

  it("stores event times to the microsecond, and orders a day's last outcome by them", async () => {
    const key = 'svc-micro';
    // Two results in one millisecond: the fail 400 µs before the pass. Python's isoformat()
    // and most loggers write such times.
    const ms = new Date(Date.now() - 3_600_000).toISOString().slice(0, -1);
    const fail = resultEvent({ service: key, outcome: 'fail', time: `${ms}100Z` });
    const pass = resultEvent({ service: key, outcome: 'pass', time: `${ms}500+00:00` });
    await kafka.send(topics.results, [asMessage(pass), asMessage(fail)]);
    await waitFor('both results', async () => (await storedCount(`service_id = '${key}'`)) === 2);
    const rows = await withPg(
      db.url,
      async (c) =>
        (
          await c.query<{ event_id: string; t: string }>(
            `SELECT event_id, to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS t
             FROM results WHERE service_id = $1 ORDER BY time`,
            [key],
          )
        ).rows,
    );
    expect(rows).toEqual([
      { event_id: fail.id, t: `${ms}100` },
      { event_id: pass.id, t: `${ms}500` },
    ]);
    // The day's last outcome is the pass, 400 µs later, though a fail is more severe.
    const { stored, recomputed } = await rollupsVsRecomputed(db.url);
    expect(stored).toEqual(recomputed);
    const day = (stored as Array<{ service_id: string; last_outcome: string }>).filter(
      (r) => r.service_id === key,
    );
    expect(day.map((r) => r.last_outcome)).toEqual(['pass']);
  });

  it('stores an event once when copies arrive on two partitions at the same time', async () => {
    const events = Array.from({ length: 300 }, (_, i) =>
      resultEvent({ id: `twin-${i}`, service: `svc-twin-${i % 7}` }),
    );
    await Promise.all(
      [0, 1].map((partition) =>
        kafka.send(
          topics.results,
          events.map((e) => ({ ...asMessage(e), partition })),
        ),
      ),
    );
    await waitFor(
      'every twin stored',
      async () => (await storedCount(`event_id LIKE 'twin-%'`)) === 300,
    );
    await waitFor('both partitions consumed', async () => {
      const o = await offsetsVsHighWatermarks(db.url, kafka, topics.group, topics.results);
      return JSON.stringify(o.stored) === JSON.stringify(o.high);
    });
    await expect(storedCount(`event_id LIKE 'twin-%'`)).resolves.toBe(300);
    expect(dlq.messages.filter((m) => m.key?.toString().startsWith('svc-twin-'))).toHaveLength(0);
  });

  it('keeps daily rollups equal to a recomputation with counts, first/last, last outcome and hour bits when a day fills up', async () => {
    const svc = 'svc-rollup';
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const at = (hh: string, mm = '00') => `${day}T${hh}:${mm}:00Z`;
    const events = [
      resultEvent({ service: svc, outcome: 'pass', time: at('01') }),
      resultEvent({ service: svc, outcome: 'fail', time: at('05') }),
      resultEvent({ service: svc, outcome: 'error', time: at('07') }),
      resultEvent({ service: svc, outcome: 'not_applicable', time: at('09') }),
      resultEvent({ service: svc, outcome: 'pass', time: at('22', '30') }),
      // Same last time, the more severe outcome wins.
      resultEvent({ service: svc, outcome: 'fail', time: at('22', '30') }),
    ];
    // Two deliveries: the tie at 22:30 lies across them. The first one's delta is compacted
    // before the second arrives, so the view merges a compacted row with a pending delta, and
    // compacting again merges them in daily_rollups (the function's ON CONFLICT branch).
    const compact = () =>
      withPg(db.url, async (c) =>
        Number(
          (await c.query<{ n: string }>(`SELECT vigil_compact_daily_rollups(1000000) AS n`)).rows[0]
            .n,
        ),
      );
    const pending = () =>
      withPg(
        db.url,
        async (c) =>
          (await c.query(`SELECT 1 FROM daily_rollup_deltas WHERE service_id = $1`, [svc])).rows
            .length,
      );
    await kafka.send(topics.results, [events[0], events[1], events[2], events[4]].map(asMessage));
    await waitFor('first part', async () => (await storedCount(`service_id = $1`, [svc])) === 4);
    expect(await pending()).toBeGreaterThanOrEqual(1);
    expect(await compact()).toBeGreaterThanOrEqual(1);
    expect(await pending()).toBe(0);
    await kafka.send(topics.results, [events[3], events[5]].map(asMessage));
    await waitFor('second part', async () => (await storedCount(`service_id = $1`, [svc])) === 6);
    expect(await pending()).toBeGreaterThanOrEqual(1);
    const current = () =>
      withPg(
        db.url,
        async (c) =>
          (await c.query(`SELECT * FROM daily_rollups_current WHERE service_id = $1`, [svc]))
            .rows as Array<Record<string, unknown>>,
      );
    const expected = {
      pass_count: 2,
      fail_count: 2,
      error_count: 1,
      not_applicable_count: 1,
      late_count: 6,
      first_time: new Date(at('01')),
      last_time: new Date(at('22', '30')),
      last_outcome: 'fail',
      pass_hours: (1 << 1) | (1 << 22),
      fail_hours: (1 << 5) | (1 << 7) | (1 << 22),
      not_applicable_hours: 1 << 9,
    };
    const beforeCompaction = await current();
    expect(beforeCompaction).toHaveLength(1);
    expect(beforeCompaction[0]).toMatchObject(expected);
    expect(await compact()).toBeGreaterThanOrEqual(1);
    expect(await pending()).toBe(0);
    await expect(current()).resolves.toEqual(beforeCompaction);
    const { stored, recomputed } = await rollupsVsRecomputed(db.url);
    expect(stored).toEqual(recomputed);
  });

  it('invalidates the result pack a late result belongs in, in the transaction that stores it', async () => {
    const svc = 'svc-packs';
    // A past month, packed whole whatever the day the test runs.
    const day = (dd: string, hh: string) => `2025-06-${dd}T${hh}:00:00Z`;
    const today = new Date(new Date().toISOString().slice(0, 10));
    await kafka.send(
      topics.results,
      [
        resultEvent({ service: svc, control: 'ctl-1', time: day('10', '01') }),
        resultEvent({ service: svc, control: 'ctl-2', time: day('10', '02') }),
      ].map(asMessage),
    );
    await waitFor('first results', async () => (await storedCount(`service_id = $1`, [svc])) === 2);
    // What the evaluator's job does: pack every month up to the start of today.
    const ds = await createDataSource({ url: db.url, poolSize: 1 }).initialize();
    try {
      const packs = new ResultPackRepository(ds);
      await packs.packUntil(today);
      const packed = () =>
        withPg(
          db.url,
          async (c) =>
            (
              await c.query<{ control_id: string; result_count: number; valid: boolean }>(
                `SELECT control_id, result_count, data IS NOT NULL AS valid FROM result_packs
                  WHERE service_id = $1 ORDER BY control_id, month`,
                [svc],
              )
            ).rows,
        );
      expect(await packed()).toEqual([
        { control_id: 'ctl-1', result_count: 1, valid: true },
        { control_id: 'ctl-2', result_count: 1, valid: true },
      ]);
      // A late result for ctl-1 in the packed month, and a fresh one (today) for ctl-2.
      await kafka.send(
        topics.results,
        [
          resultEvent({ service: svc, control: 'ctl-1', time: day('12', '05'), outcome: 'fail' }),
          resultEvent({
            service: svc,
            control: 'ctl-2',
            time: new Date(Math.max(Date.now() - 60_000, today.getTime())).toISOString(),
          }),
        ].map(asMessage),
      );
      await waitFor(
        'late results',
        async () => (await storedCount(`service_id = $1`, [svc])) === 4,
      );
      expect(await packed()).toEqual([
        { control_id: 'ctl-1', result_count: 0, valid: false },
        { control_id: 'ctl-2', result_count: 1, valid: true },
      ]);
      await expect(packs.repackInvalidated()).resolves.toBe(1);
      expect(await packed()).toEqual([
        { control_id: 'ctl-1', result_count: 2, valid: true },
        { control_id: 'ctl-2', result_count: 1, valid: true },
      ]);
    } finally {
      await ds.destroy();
    }
  });

  it('stores the next offset of every partition in PostgreSQL and reports ready when it has consumed everything', async () => {
    const { stored, high } = await waitFor('offsets at the high watermarks', async () => {
      const o = await offsetsVsHighWatermarks(db.url, kafka, topics.group, topics.results);
      return JSON.stringify(o.stored) === JSON.stringify(o.high) ? o : undefined;
    });
    expect(Object.keys(high).length).toBeGreaterThan(0);
    expect(stored).toEqual(high);
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.info.consumer.status).toBe('up');
  });
});
