import {
  ConfigOf,
  EnvSchema,
  databaseVariables,
  httpVariables,
  int,
  kafkaVariables,
  processVariables,
  str,
} from '@vigil/platform';

export const ingestEnvSchema = {
  ...processVariables,
  ...databaseVariables,
  ...kafkaVariables,
  ...httpVariables(3001),
  VIGIL_CONSUMER_GROUP: str({
    description: 'Kafka consumer group of the ingest replicas',
    default: 'vigil-ingest',
  }),
  INGEST_MAX_BATCH: int({
    description: 'Most messages written in one database transaction',
    default: '5000',
    min: 1,
    max: 100000,
  }),
} satisfies EnvSchema;

export type IngestConfig = ConfigOf<typeof ingestEnvSchema>;
