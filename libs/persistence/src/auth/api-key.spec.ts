import { apiKeyInputProblems, apiKeyStatus, generateApiKeySecret, hashApiKey } from './api-key';

const NOW = new Date('2026-06-01T00:00:00Z');

describe(generateApiKeySecret.name, () => {
  it('makes vgl_ keys of 43 base64url characters, never the same twice', () => {
    const secrets = Array.from({ length: 100 }, generateApiKeySecret);
    for (const s of secrets) expect(s).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
    expect(new Set(secrets).size).toBe(100);
  });
});

describe(hashApiKey.name, () => {
  it('is the hex SHA-256 of the key', () => {
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe(apiKeyStatus.name, () => {
  it.each([
    [null, null, 'active'],
    ['2026-06-02T00:00:00Z', null, 'active'],
    ['2026-06-01T00:00:00Z', null, 'expired'],
    [null, '2026-05-01T00:00:00Z', 'revoked'],
    ['2026-01-01T00:00:00Z', '2026-05-01T00:00:00Z', 'revoked'],
  ])('says %s expiry and %s revocation make the key %s', (expires, revoked, status) => {
    const key = {
      expiresAt: expires ? new Date(expires) : null,
      revokedAt: revoked ? new Date(revoked) : null,
    };
    expect(apiKeyStatus(key, NOW)).toBe(status);
  });
});

describe(apiKeyInputProblems.name, () => {
  it('accepts an auditor key limited to services with a future expiry', () => {
    const input = {
      name: 'q4 audit',
      role: 'auditor' as const,
      services: ['payments-api'],
      expiresAt: new Date('2027-01-01T00:00:00Z'),
    };
    expect(apiKeyInputProblems(input, NOW)).toEqual([]);
  });

  it('names each field at fault when several are wrong', () => {
    const input = {
      name: ' ',
      role: 'dashboard' as const,
      services: ['../etc'],
      expiresAt: new Date('2026-01-01T00:00:00Z'),
    };
    expect(apiKeyInputProblems(input, NOW).map((p) => p.field)).toEqual([
      'name',
      'services',
      'services',
      'expiresAt',
    ]);
  });

  it('refuses an empty service list, which would be a key for nothing', () => {
    expect(apiKeyInputProblems({ name: 'a', role: 'auditor', services: [] }, NOW)).toEqual([
      { field: 'services', detail: 'must name at least one service' },
    ]);
  });
});
