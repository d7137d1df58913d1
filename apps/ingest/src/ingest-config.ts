import {
  ConfigOf,
  EnvSchema,
  databaseVariables,
  httpVariables,
  int,
  kafkaVariables,
  optionalStr,
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
  INGEST_FETCH_MAX_BYTES_PER_PARTITION: int({
    description:
      'Most bytes fetched from one partition per fetch (bounds the batch size and memory)',
    default: '4194304',
    min: 65536,
    max: 104857600,
  }),
  INGEST_PARTITIONS_CONCURRENTLY: int({
    description: 'Partitions whose batches are written at the same time (one transaction each)',
    default: '2',
    min: 1,
    max: 64,
  }),
  INGEST_SESSION_TIMEOUT_MS: int({
    description:
      'Consumer group session timeout: how long a silent (crashed) replica keeps its partitions',
    default: '30000',
    min: 6000,
    max: 300000,
  }),
  INGEST_FAULT: optionalStr({
    description:
      'TESTS ONLY: "before-db-commit:<n>" or "after-db-commit:<n>" kills the process with SIGKILL at that point of the n-th batch. Unset in production.',
  }),
} satisfies EnvSchema;

export type IngestConfig = ConfigOf<typeof ingestEnvSchema>;
