import { INestApplication } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { KafkaClient } from '@vigil/platform';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
  kafkaBrokers,
} from '../../../../test/support/infra';
import { seedCatalog, seedResults, withClient } from '../../../../test/support/seed-effectiveness';
import { createEvaluator } from '../bootstrap';
import { CreatePartitionsJob } from './create-partitions.job';
import { DetectStatusChangesJob } from './detect-status-changes.job';
import { LeaderElection } from './leader-election.service';
import { COMPACT_ROLLUPS_CHUNK, CompactRollupsJob } from './compact-rollups.job';
import { EvaluatorMetrics } from './evaluator-metrics';
import { PackResultsJob } from './pack-results.job';
import { RefreshSnapshotsJob } from './refresh-snapshots.job';

const TODAY = new Date('2026-03-15T10:00:00Z');

jest.setTimeout(60_000);

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

describe('evaluator', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  const apps: INestApplication[] = [];

  const leaderOf = (app: INestApplication) => app.get(LeaderElection).isLeader();
  const start = async () => {
    const { app } = await createEvaluator(appEnv(db, topics));
    await app.init();
    // The tests drive the jobs with a fixed clock; the real schedule must not interleave.
    const schedule = app.get(SchedulerRegistry);
    for (const job of schedule.getCronJobs().values()) void job.stop();
    for (const name of schedule.getIntervals()) schedule.deleteInterval(name);
    apps.push(app);
    return app;
  };
  const stop = async (app: INestApplication) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  const leader = () => {
    const leaders = apps.filter(leaderOf);
    if (leaders.length !== 1) throw new Error(`expected one leader, found ${leaders.length}`);
    return leaders[0];
  };

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
    await withClient(db.url, async (client) => {
      await seedCatalog(client, {
        services: ['payments-api'],
        controls: [
          { id: 'mfa-enforced', frequency: 'daily', criteria: ['CC6.1'] },
          { id: 'log-review', frequency: 'daily', criteria: ['CC7.2'] },
        ],
        assignments: [
          { service: 'payments-api', control: 'mfa-enforced', from: '2025-01-01T00:00:00Z' },
          { service: 'payments-api', control: 'log-review', from: '2026-03-01T00:00:00Z' },
        ],
      });
      await seedResults(client, [
        ...days('2026-02-01', '2026-03-15').map((day) => ({
          serviceId: 'payments-api',
          controlId: 'mfa-enforced',
          outcome: day === '2026-03-10' ? ('fail' as const) : ('pass' as const),
          time: `${day}T08:00:00Z`,
        })),
        // log-review: nothing on Mar 14, the latest slot before TODAY.
        ...days('2026-03-01', '2026-03-14').map((day) => ({
          serviceId: 'payments-api',
          controlId: 'log-review',
          outcome: 'pass' as const,
          time: `${day}T08:00:00Z`,
        })),
      ]);
    });
  });

  afterAll(async () => {
    for (const app of [...apps]) await stop(app);
    await db?.drop();
  });

  describe(LeaderElection.name, () => {
    it('elects one replica and fails over when the leader dies or loses its connection', async () => {
      const first = await start();
      const second = await start();
      await waitFor(() => apps.filter(leaderOf).length === 1);
      const original = leader();

      // Cut the leader's lock session: it must step down; one replica (either) takes the lock.
      await withClient(db.url, (client) =>
        client.query(
          `SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        ),
      );
      await waitFor(() => !leaderOf(original), 5_000);
      await waitFor(() => apps.filter(leaderOf).length === 1);

      // Kill the current leader outright: the other one takes over.
      const dying = leader();
      const survivor = dying === first ? second : first;
      await stop(dying);
      await waitFor(() => leaderOf(survivor));
      expect(apps.filter(leaderOf)).toEqual([survivor]);
      await expect(dying.get(DetectStatusChangesJob).run(TODAY)).resolves.toBe(false);
    });
  });

  describe(CreatePartitionsJob.name, () => {
    it('creates the months ahead when one is missing', async () => {
      const month = new Date();
      month.setUTCMonth(month.getUTCMonth() + 2, 1);
      const name = `results_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
      await withClient(db.url, (client) => client.query(`DROP TABLE IF EXISTS ${name}`));
      await expect(leader().get(CreatePartitionsJob).run()).resolves.toBe(true);
      const exists = await withClient(db.url, (client) =>
        client.query(`SELECT to_regclass($1) AS t`, [name]),
      );
      expect(exists.rows[0].t).toBe(name);
    });
  });

  describe(RefreshSnapshotsJob.name, () => {
    it('writes every scope and period once per day when run twice', async () => {
      const job = leader().get(RefreshSnapshotsJob);
      // 2 pairs, 1 service, 2 criteria, the fleet; 4 periods each.
      await expect(job.refresh(TODAY)).resolves.toBe((2 + 1 + 2 + 1) * 4);
      const read = () =>
        withClient(db.url, async (client) => {
          const { rows } = await client.query(
            `SELECT scope_kind, service_id, control_id, criterion_id, period_days, verdict, expected_occurrences,
                    deviations, window_from, window_to, data
               FROM effectiveness_snapshots WHERE day = '2026-03-15'
              ORDER BY scope_kind, service_id, control_id, criterion_id, period_days`,
          );
          return rows as Array<Record<string, unknown>>;
        });
      const once = await read();
      await job.refresh(TODAY);
      const twice = await read();
      expect(twice).toHaveLength(24);
      expect(twice).toEqual(once);
      // mfa-enforced over the 30 days [Feb 13, Mar 15): 29 passed, the Mar 10 slot failed.
      expect(
        once.find((r) => r.control_id === 'mfa-enforced' && r.period_days === 30),
      ).toMatchObject({
        verdict: 'effective_with_exceptions',
        expected_occurrences: 30,
        deviations: 1,
        window_from: new Date('2026-02-13T00:00:00Z'),
        window_to: new Date('2026-03-15T00:00:00Z'),
      });
      // The fleet over 30 days: mfa 30 slots + log-review 14 (Mar 1–14, the last one missed).
      expect(once.find((r) => r.scope_kind === 'fleet' && r.period_days === 30)).toMatchObject({
        expected_occurrences: 44,
        deviations: 2,
        verdict: 'not_effective',
      });
      await expect(job.runIfMissing(TODAY)).resolves.toBe(false);
    });
  });

  describe(DetectStatusChangesJob.name, () => {
    it('publishes each status change once to the status topic', async () => {
      const job = leader().get(DetectStatusChangesJob);
      await expect(job.run(TODAY)).resolves.toBe(true);
      await expect(job.detect(TODAY)).resolves.toBe(0);
      await expect(job.publishPending()).resolves.toBe(0);
      // A late result fills the missed slot: missed/not_effective → passed/effective.
      await withClient(db.url, (client) =>
        seedResults(client, [
          {
            serviceId: 'payments-api',
            controlId: 'log-review',
            outcome: 'pass',
            time: '2026-03-14T12:00:00Z',
            late: true,
          },
        ]),
      );
      await job.run(TODAY);
      await job.run(TODAY);

      const kafka = new KafkaClient({ brokers: kafkaBrokers().split(','), clientId: 'vigil-test' });
      try {
        const offsets = await kafka.topicOffsets(topics.statusChanges);
        expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(2);
        const consumer = kafka.kafka.consumer({ groupId: `${topics.group}.status` });
        const events: Array<{ key: string; value: Record<string, unknown> }> = [];
        await consumer.connect();
        await consumer.subscribe({ topic: topics.statusChanges, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            events.push({
              key: String(message.key),
              value: JSON.parse(String(message.value)) as Record<string, unknown>,
            });
          },
        });
        await waitFor(() => events.length === 2, 20_000);
        await consumer.disconnect();
        expect(events.map((e) => e.key)).toEqual(['payments-api', 'payments-api']);
        expect(events[0].value).toMatchObject({
          type: 'io.vigil.control.status.changed.v1',
          subject: 'payments-api',
          data: {
            controlId: 'log-review',
            reason: 'missed',
            previous: null,
            current: { slotStatus: 'missed', verdict: 'not_effective' },
            slotStart: '2026-03-14T00:00:00.000Z',
            slotEnd: '2026-03-15T00:00:00.000Z',
          },
        });
        expect(events[1].value).toMatchObject({
          data: {
            controlId: 'log-review',
            reason: 'slot_status_changed',
            previous: { slotStatus: 'missed', verdict: 'not_effective' },
            current: { slotStatus: 'passed', verdict: 'effective' },
          },
        });
      } finally {
        await kafka.close();
      }
    });
  });

  describe(CompactRollupsJob.name, () => {
    it('folds a backlog of rollup deltas into daily_rollups in chunks, the merged rollups unchanged', async () => {
      const job = leader().get(CompactRollupsJob);
      const read = (sql: string) =>
        withClient(db.url, async (client) => (await client.query(sql)).rows);
      // 120,000 deltas over 1,000 (service, control, day) rows: more than two chunks. Each row
      // gets deltas with equal last times and different outcomes, so the merge rule matters.
      await withClient(db.url, (client) =>
        client.query(
          `INSERT INTO daily_rollup_deltas (service_id, control_id, day, pass_count, fail_count,
                  error_count, not_applicable_count, late_count, first_time, last_time, last_outcome,
                  pass_hours, fail_hours, not_applicable_hours)
           SELECT 'svc-compact-' || (i % 10), 'ctl-' || (i / 10 % 100), DATE '2026-01-01',
                  1, i % 2, 0, 0, i % 3 / 2, TIMESTAMPTZ '2026-01-01T00:00:00Z' + (i % 7) * interval '1 minute',
                  TIMESTAMPTZ '2026-01-01T12:00:00Z' + (i % 5) * interval '1 hour',
                  (ARRAY['pass', 'fail', 'error', 'not_applicable'])[i % 4 + 1], 1 << (i % 24), 0, 0
             FROM generate_series(1, $1) AS i`,
          [COMPACT_ROLLUPS_CHUNK * 2 + 20_000],
        ),
      );
      const merged = `SELECT * FROM daily_rollups_current WHERE service_id LIKE 'svc-compact-%'
                      ORDER BY service_id, control_id, day`;
      const before = await read(merged);
      expect(before).toHaveLength(1_000);
      expect(before[0]).toMatchObject({ pass_count: 120, last_outcome: expect.any(String) });

      const compacted = leader().get(EvaluatorMetrics).rollupDeltasCompacted;
      const countedBefore = (await compacted.get()).values[0]?.value ?? 0;
      await waitFor(() => job.run());
      expect((await compacted.get()).values[0]?.value).toBe(countedBefore + before.length * 120);
      await expect(read(`SELECT count(*)::int AS n FROM daily_rollup_deltas`)).resolves.toEqual([
        { n: 0 },
      ]);
      await expect(read(merged)).resolves.toEqual(before);
      await expect(
        read(`SELECT * FROM daily_rollups WHERE service_id LIKE 'svc-compact-%'
              ORDER BY service_id, control_id, day`),
      ).resolves.toEqual(before);
    });
  });

  describe(PackResultsJob.name, () => {
    it('packs every month up to today, and repacks a pack a late result invalidated', async () => {
      const job = leader().get(PackResultsJob);
      const packs = () =>
        withClient(db.url, async (client) => {
          const { rows } = await client.query<{
            month: string;
            control_id: string;
            packed: number | null;
            stored: number;
          }>(
            `SELECT to_char(m.month, 'YYYY-MM') AS month, m.control_id,
                    (SELECT octet_length(data) / 9 FROM result_packs p
                      WHERE p.service_id = m.service_id AND p.control_id = m.control_id AND p.month = m.month) AS packed,
                    m.stored::int AS stored
               FROM (SELECT service_id, control_id, date_trunc('month', time AT TIME ZONE 'UTC')::date AS month,
                            count(*) AS stored
                       FROM results GROUP BY 1, 2, 3) m
              ORDER BY 1, 2`,
          );
          return rows;
        });
      // The run started on election may still be going: run again until one of ours ran.
      await waitFor(() => job.run(new Date()));
      const before = await packs();
      expect(before.length).toBeGreaterThan(1);
      for (const row of before) expect(row.packed).toBe(row.stored);

      await withClient(db.url, (client) =>
        seedResults(client, [
          {
            serviceId: 'payments-api',
            controlId: 'mfa-enforced',
            outcome: 'fail',
            time: '2026-02-10T06:00:00Z',
            late: true,
          },
        ]),
      );
      const invalidated = await packs();
      expect(
        invalidated.find((r) => r.month === '2026-02' && r.control_id === 'mfa-enforced'),
      ).toMatchObject({
        packed: null,
      });
      await waitFor(() => job.run(new Date()));
      const after = await packs();
      for (const row of after) expect(row.packed).toBe(row.stored);
      expect(
        after.find((r) => r.month === '2026-02' && r.control_id === 'mfa-enforced')?.stored,
      ).toBe(
        (before.find((r) => r.month === '2026-02' && r.control_id === 'mfa-enforced')?.stored ??
          0) + 1,
      );
    });
  });
});
