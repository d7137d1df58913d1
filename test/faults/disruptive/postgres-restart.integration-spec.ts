import { execFileSync } from 'node:child_process';
import { FaultScenario } from '../support/fault-scenario';

/**
 * PostgreSQL restarted in the middle of the stream (issue 3): the consumer pauses and retries
 * without committing and without dead-lettering, and ends exact. Restarts the server every
 * test uses, so it runs in the serial `disruptive` project, alone.
 *
 * VIGIL_PG_CLUSTER ("<version> <name>", default "15 main") names the cluster to restart; point
 * DATABASE_URL at another cluster to try this without disturbing anyone.
 */
describe('ingest when PostgreSQL restarts', () => {
  const world = new FaultScenario();

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('ends exact without dead-lettering when the database server restarts mid-stream', async () => {
    const [version, name] = (process.env.VIGIL_PG_CLUSTER ?? '15 main').split(' ');
    const ingest = world.spawnIngest('pg-restart');
    const producing = world.produce('pg-restart', 3000, 100, 80);
    await ingest.untilBatches(3);
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'restart'], {
      stdio: 'inherit',
      timeout: 60_000,
    });
    await producing;
    await world.settled();
    expect(ingest.alive).toBe(true);
    await world.assertExact('PostgreSQL restart', [ingest]);
    await expect(ingest.terminate()).resolves.toEqual({ code: 0, signal: null });
  }, 300_000);
});
