import { Command, InvalidArgumentError } from 'commander';
import { KafkaClient, kafkaVariables, loadConfig, provisionTopics } from '@vigil/platform';

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
}

/** `vigil kafka ensure-topics`: creates Vigil's topics with the configured partitions, idempotently. */
export function registerKafkaCommands(program: Command): void {
  const kafka = program.command('kafka').description('Kafka topics of Vigil');
  kafka
    .command('ensure-topics')
    .description(
      'Create control-results, control-results.dlq and control-status-changes (names from VIGIL_TOPIC_*) if missing',
    )
    .option(
      '--partitions <n>',
      'partitions of new topics (default VIGIL_TOPIC_PARTITIONS)',
      positiveInt,
    )
    .option(
      '--replication <n>',
      'replication factor of new topics (default VIGIL_TOPIC_REPLICATION)',
      positiveInt,
    )
    .action(async (options: { partitions?: number; replication?: number }) => {
      const config = loadConfig(kafkaVariables);
      const client = new KafkaClient({
        brokers: config.KAFKA_BROKERS,
        clientId: `${config.KAFKA_CLIENT_ID}-cli`,
      });
      try {
        const report = await provisionTopics(client, {
          topics: [config.VIGIL_TOPIC_RESULTS, config.VIGIL_TOPIC_DLQ, config.VIGIL_TOPIC_STATUS],
          autoCreate: true,
          partitions: options.partitions ?? config.VIGIL_TOPIC_PARTITIONS,
          replicationFactor: options.replication ?? config.VIGIL_TOPIC_REPLICATION,
        });
        for (const topic of report.created) console.log(`created  ${topic}`);
        for (const topic of report.existing) console.log(`exists   ${topic}`);
      } finally {
        await client.close();
      }
    });
}
