import {
  ConfigOf,
  EnvSchema,
  databaseVariables,
  httpVariables,
  int,
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
  RATE_LIMIT_PER_MINUTE: int({
    description:
      'Requests per minute allowed per API key, per API process (token bucket; 0 = no limit).' +
      ' Off by default: SPEC §6 promises 202/200 to any valid key, so a limit is an operator' +
      "'s choice (the Kubernetes base sets 600)",
    default: '0',
    min: 0,
    max: 1_000_000,
  }),
} satisfies EnvSchema;

export type ApiConfig = ConfigOf<typeof apiEnvSchema>;
