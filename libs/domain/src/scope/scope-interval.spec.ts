import { at, scope } from '../testing/factories';
import { DAY_MS } from '../time/instant';
import { inScopeDuration, orderedScopes, scopePartsWithin } from './scope-interval';

const january = { from: at('2026-01-01T00:00Z'), to: at('2026-02-01T00:00Z') };

describe(orderedScopes.name, () => {
  it('sorts by start and drops empty intervals when given them out of order', () => {
    const late = scope('daily', '2026-01-20T00:00Z');
    const early = scope('weekly', '2026-01-01T00:00Z', '2026-01-10T00:00Z');
    const empty = scope('daily', '2026-01-15T00:00Z', '2026-01-15T00:00Z');
    expect(orderedScopes([late, empty, early])).toEqual([early, late]);
  });

  it('accepts intervals when they only touch', () => {
    const first = scope('daily', '2026-01-01T00:00Z', '2026-01-10T00:00Z');
    const second = scope('weekly', '2026-01-10T00:00Z');
    expect(orderedScopes([second, first])).toEqual([first, second]);
  });

  it('throws when two intervals overlap', () => {
    expect(() =>
      orderedScopes([
        scope('daily', '2026-01-01T00:00Z', '2026-01-10T00:00Z'),
        scope('daily', '2026-01-09T00:00Z'),
      ]),
    ).toThrow(/overlap/);
  });
});

describe(scopePartsWithin.name, () => {
  it('clips each interval to the window when they extend past it', () => {
    expect(
      scopePartsWithin(
        [
          scope('daily', '2025-12-01T00:00Z', '2026-01-05T00:00Z'),
          scope('hourly', '2026-01-20T00:00Z'),
        ],
        january,
      ),
    ).toEqual([
      { frequency: 'daily', from: january.from, to: at('2026-01-05T00:00Z') },
      { frequency: 'hourly', from: at('2026-01-20T00:00Z'), to: january.to },
    ]);
  });
});

describe(inScopeDuration.name, () => {
  it('counts only the in-scope part when the assignment has a gap', () => {
    const scopes = [
      scope('daily', '2026-01-01T00:00Z', '2026-01-10T12:00Z'),
      scope('daily', '2026-01-20T00:00Z'),
    ];
    expect(inScopeDuration(scopes, january)).toBe(21.5 * DAY_MS);
  });

  it('is zero when nothing is in scope', () => {
    expect(inScopeDuration([], january)).toBe(0);
    expect(inScopeDuration([scope('daily', '2026-03-01T00:00Z')], january)).toBe(0);
  });
});
