import {
  ConfigOf,
  EnvSchema,
  databaseVariables,
  httpVariables,
  kafkaVariables,
  processVariables,
  secretVariables,
  str,
} from '@vigil/platform';

export const apiEnvSchema = {
  ...processVariables,
  ...databaseVariables,
  ...kafkaVariables,
  ...httpVariables(3000),
  ...secretVariables,
  CORS_ORIGINS: str({
    description:
      'Comma-separated origins allowed by CORS for browser dashboards ("*" for any, "" for none)',
    default: '-',
  }),
} satisfies EnvSchema;

export type ApiConfig = ConfigOf<typeof apiEnvSchema>;
