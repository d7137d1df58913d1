import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiEnvSchema } from '../apps/api/src/api-config';
import { evaluatorEnvSchema } from '../apps/evaluator/src/evaluator-config';
import { ingestEnvSchema } from '../apps/ingest/src/ingest-config';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  const variables = [
    ...new Set([
      ...Object.keys(apiEnvSchema),
      ...Object.keys(ingestEnvSchema),
      ...Object.keys(evaluatorEnvSchema),
    ]),
  ];

  it.each(variables)('documents the environment variable %s', (name) => {
    expect(readme).toMatch(new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`, 'm'));
  });

  it('keeps the two-command quick start', () => {
    expect(readme).toMatch(/## Quick start[\s\S]*npm start[\s\S]*npm test/);
  });
});
