import {
  EnvSchema,
  bool,
  EnvVariable,
  brokerList,
  int,
  oneOf,
  optionalStr,
  port,
  postgresUrl,
  str,
} from './env-schema';

/** Shared parts; each app composes the ones its process needs (see `*-config.ts` in each app). */
export const databaseVariables = {
  DATABASE_URL: postgresUrl({
    description: 'PostgreSQL connection URL',
    default: 'postgres://postgres@127.0.0.1:5432/vigil',
  }),
  DATABASE_POOL_SIZE: int({
    description: 'Connections in the pool per process',
    default: '10',
    min: 1,
    max: 200,
  }),
} satisfies EnvSchema;

export const kafkaVariables = {
  KAFKA_BROKERS: brokerList({
    description: 'Comma-separated Kafka bootstrap brokers',
    default: '127.0.0.1:9092',
  }),
  KAFKA_CLIENT_ID: str({ description: 'Kafka client id prefix', default: 'vigil' }),
  VIGIL_TOPIC_RESULTS: str({
    description: 'Topic of control-test results',
    default: 'control-results',
  }),
  VIGIL_TOPIC_DLQ: str({
    description: 'Dead-letter topic for rejected results',
    default: 'control-results.dlq',
  }),
  VIGIL_TOPIC_STATUS: str({
    description: 'Topic of control status changes',
    default: 'control-status-changes',
  }),
  VIGIL_TOPIC_PARTITIONS: int({
    description: 'Partitions used when Vigil creates its topics',
    default: '6',
    min: 1,
    max: 1000,
  }),
  VIGIL_TOPIC_AUTO_CREATE: bool({
    description: 'Create missing topics at start; when false, an app refuses to start without them',
    default: 'true',
  }),
  VIGIL_TOPIC_REPLICATION: int({
    description: 'Replication factor used when Vigil creates its topics',
    default: '1',
    min: 1,
    max: 10,
  }),
} satisfies EnvSchema;

export const processVariables = {
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, {
    description: 'Log level (pino)',
    default: 'info',
  }),
  SHUTDOWN_TIMEOUT_MS: int({
    description: 'Grace period for draining on SIGTERM',
    default: '10000',
    min: 0,
  }),
} satisfies EnvSchema;

export function httpVariables(defaultPort: number) {
  return {
    PORT: port({
      description: 'HTTP port (health, metrics, and for the api app the API)',
      default: String(defaultPort),
    }),
    HOST: str({ description: 'Interface the HTTP server binds to', default: '0.0.0.0' }),
  } satisfies EnvSchema;
}

const bootstrapAdminKeyDoc = {
  description:
    'If set, an admin API key with this value is ensured at start (20 to 256 characters, no spaces)',
  secret: true,
};
// Operators choose this value, so unlike generated keys its entropy is theirs: insist on length.
const bootstrapAdminKeyLength = str({ ...bootstrapAdminKeyDoc, pattern: /^\S{20,256}$/ });

export const secretVariables = {
  VIGIL_BOOTSTRAP_ADMIN_KEY: {
    ...bootstrapAdminKeyDoc,
    parse: (raw, name) => {
      const value = optionalStr(bootstrapAdminKeyDoc).parse(raw, name);
      return value === undefined ? undefined : bootstrapAdminKeyLength.parse(value, name);
    },
  } satisfies EnvVariable<string | undefined>,
} satisfies EnvSchema;
