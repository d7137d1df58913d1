import {
  ConfigOf,
  EnvSchema,
  databaseVariables,
  httpVariables,
  kafkaVariables,
  processVariables,
} from '@vigil/platform';

export const evaluatorEnvSchema = {
  ...processVariables,
  ...databaseVariables,
  ...kafkaVariables,
  ...httpVariables(3002),
} satisfies EnvSchema;

export type EvaluatorConfig = ConfigOf<typeof evaluatorEnvSchema>;
