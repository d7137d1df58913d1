import { EnvSchema, databaseVariables, kafkaVariables } from '@vigil/platform';
import { apiEnvSchema } from '../../../apps/api/src/api-config';
import { evaluatorEnvSchema } from '../../../apps/evaluator/src/evaluator-config';
import { ingestEnvSchema } from '../../../apps/ingest/src/ingest-config';

/** Each compiled entry point a container may run, the variables it reads and its source. */
export const PROGRAMS: Record<string, { schema: EnvSchema; source: string }> = {
  'dist/apps/api/src/main.js': { schema: apiEnvSchema, source: 'apps/api/src/main.ts' },
  'dist/apps/ingest/src/main.js': { schema: ingestEnvSchema, source: 'apps/ingest/src/main.ts' },
  'dist/apps/evaluator/src/main.js': {
    schema: evaluatorEnvSchema,
    source: 'apps/evaluator/src/main.ts',
  },
  'dist/libs/persistence/src/migrate.js': {
    schema: databaseVariables,
    source: 'libs/persistence/src/migrate.ts',
  },
  'dist/apps/cli/src/main.js': { schema: kafkaVariables, source: 'apps/cli/src/main.ts' },
};

/** The three apps' schemas, by app name (the Dockerfile's APP). */
export const APP_SCHEMAS = {
  api: apiEnvSchema,
  ingest: ingestEnvSchema,
  evaluator: evaluatorEnvSchema,
} as const;

/** The program a `node [--node-flags…] <entry> …` command runs. */
export function programOf(command: unknown): { schema: EnvSchema; source: string } {
  const parts = command as string[];
  const entry = Array.isArray(parts) ? parts.slice(1).find((p) => !p.startsWith('--')) : undefined;
  const program = entry === undefined ? undefined : PROGRAMS[entry];
  if (parts[0] !== 'node' || !program)
    throw new Error(`unknown command ${JSON.stringify(command)}`);
  return program;
}
