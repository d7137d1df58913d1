import fc from 'fast-check';
import { bruteSlotsWithin } from '../testing/brute-force';
import { at, iso } from '../testing/factories';
import { DAY_MS, HOUR_MS, type Interval } from '../time/instant';
import type { Frequency } from './frequency';
import { slotsWithin } from './slots-within';

function starts(frequency: Frequency, from: string, to: string): string[] {
  return slotsWithin(frequency, { from: at(from), to: at(to) }).map((slot) => iso(slot.start));
}

describe(slotsWithin.name, () => {
  it('keeps only whole hours when the interval starts mid-hour', () => {
    expect(starts('hourly', '2026-03-01T10:30Z', '2026-03-01T13:00Z')).toEqual([
      '2026-03-01T11:00:00.000Z',
      '2026-03-01T12:00:00.000Z',
    ]);
  });

  it('includes 29 February when the year is a leap year', () => {
    expect(starts('daily', '2024-02-28T00:00Z', '2024-03-02T00:00Z')).toEqual([
      '2024-02-28T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
    ]);
  });

  it('includes ISO week 53 when the weeks cross the end of 2026', () => {
    expect(starts('weekly', '2026-12-20T00:00Z', '2027-01-12T00:00Z')).toEqual([
      '2026-12-21T00:00:00.000Z',
      '2026-12-28T00:00:00.000Z',
      '2027-01-04T00:00:00.000Z',
    ]);
  });

  it('ends February on the 1st of March when months cross a leap day', () => {
    expect(
      slotsWithin('monthly', { from: at('2024-01-15T00:00Z'), to: at('2024-05-01T00:00Z') }),
    ).toEqual([
      { start: at('2024-02-01T00:00Z'), end: at('2024-03-01T00:00Z') },
      { start: at('2024-03-01T00:00Z'), end: at('2024-04-01T00:00Z') },
      { start: at('2024-04-01T00:00Z'), end: at('2024-05-01T00:00Z') },
    ]);
  });

  it('cuts January, April, July and October quarters when the interval is a calendar year', () => {
    expect(starts('quarterly', '2026-01-01T00:00Z', '2027-01-01T00:00Z')).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
      '2026-10-01T00:00:00.000Z',
    ]);
  });

  it('leaves out the last year when it is cut by the interval end', () => {
    expect(starts('annually', '2024-01-01T00:00Z', '2026-06-01T00:00Z')).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
    ]);
  });

  it('is empty when the interval is shorter than a slot or empty', () => {
    expect(starts('daily', '2026-03-01T01:00Z', '2026-03-02T00:00Z')).toEqual([]);
    expect(starts('hourly', '2026-03-01T01:00Z', '2026-03-01T01:00Z')).toEqual([]);
  });

  it('throws when the interval is unbounded or inverted', () => {
    expect(() => slotsWithin('daily', { from: 0, to: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    );
    expect(() => slotsWithin('daily', { from: DAY_MS, to: 0 })).toThrow(RangeError);
  });

  // Enumerating hour by hour (hourly to weekly) or day by day (monthly and longer), as the
  // brute-force reference does, is slow for long spans: keep them to a few hundred steps.
  const base = at('1999-06-01T00:00Z');
  const cases: Array<[Frequency, number]> = [
    ['hourly', 3 * DAY_MS],
    ['daily', 20 * DAY_MS],
    ['weekly', 60 * DAY_MS],
    ['monthly', 500 * DAY_MS],
    ['quarterly', 1200 * DAY_MS],
    ['annually', 3000 * DAY_MS],
  ];
  it.each(cases)('matches enumerating instants when the frequency is %s', (frequency, maxSpan) => {
    const interval = fc
      .tuple(
        fc.integer({ min: 0, max: 40 * 365 * DAY_MS }),
        fc.integer({ min: 0, max: maxSpan }),
        fc.boolean(),
      )
      .map(([offset, span, aligned]): Interval => {
        // Half the cases start on whole hours, where off-by-one errors at boundaries live.
        const from = base + (aligned ? Math.floor(offset / HOUR_MS) * HOUR_MS : offset);
        const to = from + (aligned ? Math.floor(span / HOUR_MS) * HOUR_MS : span);
        return { from, to };
      });
    fc.assert(
      fc.property(interval, (window) => {
        expect(slotsWithin(frequency, window)).toEqual(bruteSlotsWithin(frequency, window));
      }),
      { numRuns: 150 },
    );
  });
});
