import fc from 'fast-check';
import { bruteExpectedSlots } from '../testing/brute-force';
import { gridInstant, scopesArbitrary, type Grid } from '../testing/arbitraries';
import { at, iso, scope } from '../testing/factories';
import { DAY_MS, HOUR_MS } from '../time/instant';
import { expectedSlots } from './expected-slots';

const january = { from: at('2026-01-01T00:00Z'), to: at('2026-02-01T00:00Z') };

function days(from: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => iso(at(from) + i * DAY_MS));
}

describe(expectedSlots.name, () => {
  it('leaves out the slot the assignment starts in when it starts mid-slot', () => {
    const slots = expectedSlots({
      scopes: [scope('daily', '2026-01-10T12:00Z')],
      window: january,
      asOf: january.to,
    });
    expect(slots.map((s) => iso(s.start))).toEqual(days('2026-01-11T00:00Z', 21));
    expect(slots.every((s) => s.frequency === 'daily')).toBe(true);
  });

  it('keeps only slots ending at or before asOf when asOf cuts the window', () => {
    const slots = expectedSlots({
      scopes: [scope('daily', '2026-01-10T12:00Z')],
      window: january,
      asOf: at('2026-01-20T00:00Z'),
    });
    // The slot of 19 January ends exactly at asOf: it is due.
    expect(slots.map((s) => iso(s.start))).toEqual(days('2026-01-11T00:00Z', 9));
  });

  it('drops a slot straddling two adjacent scope intervals even when both are daily', () => {
    // SPEC §5.2 literally: "wholly inside one assignment interval".
    const slots = expectedSlots({
      scopes: [
        scope('daily', '2026-01-01T00:00Z', '2026-01-05T12:00Z'),
        scope('daily', '2026-01-05T12:00Z'),
      ],
      window: january,
      asOf: january.to,
    });
    expect(slots).toHaveLength(30);
    expect(slots.map((s) => iso(s.start))).not.toContain('2026-01-05T00:00:00.000Z');
  });

  it('cuts each scope interval by its own frequency when the frequency changes mid-week', () => {
    const slots = expectedSlots({
      scopes: [
        scope('daily', '2026-01-01T00:00Z', '2026-01-14T00:00Z'), // 14 January is a Wednesday
        scope('weekly', '2026-01-14T00:00Z'),
      ],
      window: { from: january.from, to: at('2026-02-02T00:00Z') },
      asOf: at('2026-02-02T00:00Z'),
    });
    expect(slots.map((s) => [iso(s.start), s.frequency])).toEqual([
      ...days('2026-01-01T00:00Z', 13).map((d) => [d, 'daily']),
      // The week of Monday 12 January straddles the change: neither daily nor weekly.
      ['2026-01-19T00:00:00.000Z', 'weekly'],
      ['2026-01-26T00:00:00.000Z', 'weekly'],
    ]);
  });

  it('leaves out the first day when the window starts mid-day', () => {
    const slots = expectedSlots({
      scopes: [scope('daily', '2025-01-01T00:00Z')],
      window: { from: at('2026-01-01T06:00Z'), to: at('2026-01-04T00:00Z') },
      asOf: at('2026-01-04T00:00Z'),
    });
    expect(slots.map((s) => iso(s.start))).toEqual(days('2026-01-02T00:00Z', 2));
  });

  it('is empty when asOf is before the window or nothing is in scope', () => {
    const input = { window: january, asOf: at('2025-12-31T00:00Z') };
    expect(expectedSlots({ ...input, scopes: [scope('daily', '2025-01-01T00:00Z')] })).toEqual([]);
    expect(expectedSlots({ scopes: [], window: january, asOf: january.to })).toEqual([]);
  });

  const shortGrid: Grid = { origin: at('2026-12-10T00:00Z'), step: HOUR_MS, steps: 40 * 24 };
  const longGrid: Grid = { origin: at('2023-06-01T00:00Z'), step: DAY_MS, steps: 4 * 366 };
  it.each([
    ['hourly, daily and weekly', shortGrid, ['hourly', 'daily', 'weekly'] as const],
    ['monthly, quarterly and annually', longGrid, ['monthly', 'quarterly', 'annually'] as const],
  ])('matches the literal rule over every frequency when mixing %s', (_, grid, frequencies) => {
    const offset = fc.integer({ min: 0, max: grid.step }).map((ms) => ms - (ms % HOUR_MS));
    fc.assert(
      fc.property(
        scopesArbitrary(grid, frequencies),
        gridInstant(grid),
        gridInstant(grid),
        gridInstant(grid),
        offset,
        (scopes, a, b, asOf, shift) => {
          const window = { from: Math.min(a, b), to: Math.max(a, b) + shift };
          expect(expectedSlots({ scopes, window, asOf })).toEqual(
            bruteExpectedSlots(scopes, window, asOf),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
