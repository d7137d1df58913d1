import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { KafkaClient, StartupError } from '@vigil/platform';
import { createEvaluator } from '../apps/evaluator/src/bootstrap';
import { registerKafkaCommands } from '../apps/cli/src/commands/kafka.command';
import { TestDatabase, appEnv, createTestDatabase, kafkaBrokers } from './support/infra';

function topicNames() {
  // The naming of test/support/infra.ts, so the suite's teardown deletes these topics too.
  const prefix = `t-${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  return {
    VIGIL_TOPIC_RESULTS: `${prefix}.control-results`,
    VIGIL_TOPIC_DLQ: `${prefix}.control-results.dlq`,
    VIGIL_TOPIC_STATUS: `${prefix}.control-status-changes`,
  };
}

async function runCli(args: string[], env: Record<string, string>): Promise<string[]> {
  const saved = { ...process.env };
  const lines: string[] = [];
  const log = jest
    .spyOn(console, 'log')
    .mockImplementation((line: string) => void lines.push(line));
  Object.assign(process.env, env);
  try {
    const program = new Command().exitOverride();
    registerKafkaCommands(program);
    await program.parseAsync(['node', 'vigil', ...args]);
  } finally {
    process.env = saved;
    log.mockRestore();
  }
  return lines;
}

const client = new KafkaClient({ brokers: kafkaBrokers().split(','), clientId: 'vigil-test' });
afterAll(() => client.close());

describe('vigil kafka ensure-topics', () => {
  it('creates the three topics with the asked partitions, then finds them on a second run', async () => {
    const names = topicNames();
    const env = { ...names, KAFKA_BROKERS: kafkaBrokers() };

    const first = await runCli(['kafka', 'ensure-topics', '--partitions', '4'], env);
    expect(first.sort()).toEqual(
      Object.values(names)
        .map((t) => `created  ${t}`)
        .sort(),
    );
    const offsets = await client.topicOffsets(names.VIGIL_TOPIC_RESULTS);
    expect(offsets).toHaveLength(4);

    const second = await runCli(['kafka', 'ensure-topics'], env);
    expect(second.sort()).toEqual(
      Object.values(names)
        .map((t) => `exists   ${t}`)
        .sort(),
    );
  });
});

describe('an app whose topics are missing', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('refuses to start, naming the topic, when auto-creation is off', async () => {
    const names = topicNames();
    const { app } = await createEvaluator(
      appEnv(db, undefined, { ...names, VIGIL_TOPIC_AUTO_CREATE: 'false' }),
    );
    await expect(app.init().finally(() => app.close())).rejects.toThrow(
      new StartupError(
        `required Kafka topics are missing: ${names.VIGIL_TOPIC_STATUS}. ` +
          'Create them with "npx vigil kafka ensure-topics" or set VIGIL_TOPIC_AUTO_CREATE=true.',
      ),
    );
  });

  it('creates them at start when auto-creation is on', async () => {
    const names = topicNames();
    const { app } = await createEvaluator(appEnv(db, undefined, names));
    try {
      await app.init();
      await expect(client.missingTopics([names.VIGIL_TOPIC_STATUS])).resolves.toEqual([]);
    } finally {
      await app.close();
    }
  });
});
