import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { kafkaBrokers } from '../../support/infra';
import { FaultScenario } from '../support/fault-scenario';

const ROOT = join(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The PID of the process listening on the broker's port (the local KRaft broker). */
function brokerPid(port: string): number {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out);
  if (!match) throw new Error(`no process listens on port ${port}: ${out}`);
  return Number(match[1]);
}

/**
 * The Kafka broker killed with SIGKILL in the middle of the stream and restarted with
 * scripts/infra-up.sh (issue 3): ingest rides it out and ends exact. Kills the broker every
 * test uses, so it runs in the serial `disruptive` project, alone, against a local broker.
 */
describe('ingest when the Kafka broker is killed', () => {
  const world = new FaultScenario();

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('ends exact without dead-lettering when the broker is killed mid-stream and restarted', async () => {
    const brokers = kafkaBrokers();
    const port = brokers.split(',')[0].split(':')[1];
    const ingest = world.spawnIngest('broker-kill');
    const producing = world.produce('broker-kill', 3000, 100, 80);
    await ingest.untilBatches(3);
    process.kill(brokerPid(port), 'SIGKILL');
    await sleep(2000);
    execFileSync('bash', [join(ROOT, 'scripts', 'infra-up.sh')], {
      env: { ...process.env, KAFKA_BROKERS: brokers },
      stdio: 'inherit',
      timeout: 180_000,
    });
    await producing;
    await world.settled(undefined, 180_000);
    await world.assertExact('broker kill -9 and restart', [ingest]);
    expect(ingest.alive).toBe(true);
    await expect(ingest.terminate()).resolves.toEqual({ code: 0, signal: null });
  }, 300_000);
});
