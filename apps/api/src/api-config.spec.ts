import { loadConfig } from '@vigil/platform';
import { apiEnvSchema } from './api-config';

describe('apiEnvSchema', () => {
  it('sets no rate limit unless the operator asks for one', () => {
    // SPEC §6 promises every valid request its 200 or 202: a limit is an operator's choice.
    const config = loadConfig(apiEnvSchema, {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/vigil',
    });
    expect(config.RATE_LIMIT_PER_MINUTE).toBe(0);
    expect(
      loadConfig(apiEnvSchema, {
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/vigil',
        RATE_LIMIT_PER_MINUTE: '600',
      }).RATE_LIMIT_PER_MINUTE,
    ).toBe(600);
  });
});
