import { FaultScenario } from './support/fault-scenario';
import { count, withPg } from './support/ingest-harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Exactly-once in effect under hard failures (SPEC §3, issue 3): the ingest app runs as child
 * processes (support/ingest-process.ts: `node -r swc-register apps/ingest/src/main.ts`, no
 * build step) against the real broker and PostgreSQL. After each scenario the database must
 * hold exactly the produced set, rollups equal to a recomputation from `results`, offsets at
 * the end of every partition and nothing on the DLQ. Scenarios share one database and topic,
 * so each also proves the previous ones left nothing behind.
 */
describe('ingest under faults', () => {
  const world = new FaultScenario();

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('loses nothing and stores nothing twice when killed with SIGKILL repeatedly, before and after the database commit', async () => {
    const producing = world.produce('kill', 3000);
    const beforeCommit = world.spawnIngest('before-db-commit', {
      INGEST_FAULT: 'before-db-commit:3',
    });
    await expect(beforeCommit.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    const afterCommit = world.spawnIngest('after-db-commit', { INGEST_FAULT: 'after-db-commit:2' });
    await expect(afterCommit.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    const plain = [world.spawnIngest('plain-1')];
    await plain[0].untilBatches(3);
    await plain[0].kill9();
    plain.push(world.spawnIngest('plain-2'));
    await plain[1].untilBatches(2);
    await plain[1].kill9();
    await producing;
    const last = world.spawnIngest('final');
    await world.settled();
    await world.assertExact('kill -9 ×4', [beforeCommit, afterCommit, ...plain, last]);
    // SIGTERM drains and exits 0.
    await expect(last.terminate()).resolves.toEqual({ code: 0, signal: null });
  });

  it('pauses and retries without committing or dead-lettering when its database connections are killed mid-stream', async () => {
    const ingest = world.spawnIngest('terminated');
    const producing = world.produce('term', 3000, 100, 80);
    await ingest.untilBatches(3);
    let terminated = 0;
    for (let i = 0; i < 3; i++) {
      terminated += await count(
        world.db.url,
        `SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'vigil-ingest' AND pid <> pg_backend_pid()) t`,
        [world.db.name],
      );
      await sleep(700);
    }
    expect(terminated).toBeGreaterThan(0);
    await producing;
    await world.settled();
    expect(ingest.alive).toBe(true);
    await world.assertExact('pg_terminate_backend ×3', [ingest]);
    await ingest.terminate();
  });

  it('ends exact when the group rebalances from one to three instances and back to one under load', async () => {
    const first = world.spawnIngest('rebalance-a');
    // Long enough that the stream is still flowing when the two extra instances leave.
    const producing = world.produce('rebalance', 6000, 100, 150);
    await first.untilBatches(2);
    const added = [world.spawnIngest('rebalance-b'), world.spawnIngest('rebalance-c')];
    await Promise.all(added.map((p) => p.untilAssigned(1)));
    await sleep(1500);
    await expect(Promise.all(added.map((p) => p.terminate()))).resolves.toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    expect(first.assignments).toBeGreaterThanOrEqual(2);
    await producing;
    await world.settled();
    await world.assertExact('rebalance 1 → 3 → 1', [first, ...added]);
    await first.terminate();
  });

  it('changes nothing when a new consumer group replays the whole topic', async () => {
    const snapshot = () =>
      withPg(world.db.url, async (c) => {
        const results = await c.query<{ h: string }>(
          `SELECT md5(string_agg(r::text, '|' ORDER BY seq)) AS h FROM results r`,
        );
        const rollups = await c.query<{ h: string }>(
          `SELECT md5(string_agg(d::text, '|' ORDER BY service_id, control_id, day)) AS h FROM daily_rollups_current d`,
        );
        return { results: results.rows[0].h, rollups: rollups.rows[0].h };
      });
    const before = await snapshot();
    const group = `${world.topics.group}-replay`;
    const replay = world.spawnIngest('replay', { VIGIL_CONSUMER_GROUP: group });
    await world.settled(group);
    await expect(snapshot()).resolves.toEqual(before);
    const stored = replay.batches.reduce((n, b) => n + b.stored, 0);
    const duplicates = replay.batches.reduce((n, b) => n + b.duplicates, 0);
    process.stdout.write(
      `[ingest faults] replay: ${duplicates} duplicates recognised, ${stored} stored\n`,
    );
    expect(stored).toBe(0);
    expect(duplicates).toBe(world.expected.size + world.producedDuplicates);
    await replay.terminate();
  });
});
