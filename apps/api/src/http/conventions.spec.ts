import { isClosedWindow, strongEtag } from './immutable-caching';
import { toOpenApiPath } from './openapi';
import { validationProblems } from './validation';

describe(toOpenApiPath.name, () => {
  it.each([
    [['api/v1/services', ':id'], '/api/v1/services/{id}'],
    [['health', 'live'], '/health/live'],
    [['', 'metrics'], '/metrics'],
    [['api/v1/keys', '/'], '/api/v1/keys'],
    [
      ['api/v1/services/:id/controls/:controlId/results', ''],
      '/api/v1/services/{id}/controls/{controlId}/results',
    ],
  ])('turns %j into %s', (parts, path) => {
    expect(toOpenApiPath(...parts)).toBe(path);
  });
});

describe(isClosedWindow.name, () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it.each([
    [{ to: '2026-05-31T23:59:59Z' }, true],
    [{ to: '2026-06-01T00:00:00Z' }, true],
    [{ to: '2026-06-01T00:00:01Z' }, false],
    [{}, false],
    [{ to: 'yesterday' }, false],
    [{ to: ['2026-01-01T00:00:00Z'] }, false],
  ])('says %j is closed: %s', (query, closed) => {
    expect(isClosedWindow(query, now)).toBe(closed);
  });
});

describe(strongEtag.name, () => {
  it('is a quoted, strong SHA-256 validator that changes with the body', () => {
    expect(strongEtag('{"a":1}')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(strongEtag('{"a":1}')).not.toBe(strongEtag('{"a":2}'));
  });
});

describe(validationProblems.name, () => {
  it('names nested parameters with dots, one entry per broken rule', () => {
    const problems = validationProblems([
      { property: 'name', constraints: { isString: 'name must be a string' }, children: [] },
      {
        property: 'services',
        children: [
          { property: '0', constraints: { matches: 'must be a service id' }, children: [] },
        ],
      },
    ]);
    expect(problems).toEqual([
      { parameter: 'name', detail: 'name must be a string' },
      { parameter: 'services.0', detail: 'must be a service id' },
    ]);
  });
});
