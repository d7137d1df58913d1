import fc from 'fast-check';
import { bruteSlotStart, isoWeekKey } from '../testing/brute-force';
import { at, iso } from '../testing/factories';
import { FREQUENCIES, type Frequency } from './frequency';
import { nextSlotStart, slotStartAt } from './slot-start-at';

const anyInstant = fc.integer({ min: at('1971-01-01T00:00Z'), max: at('2100-12-31T23:59Z') });

describe(slotStartAt.name, () => {
  it.each([
    ['hourly', '2026-03-01T10:59:59.999Z', '2026-03-01T10:00:00.000Z'],
    ['hourly', '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z'],
    ['daily', '2024-02-29T23:59:59.999Z', '2024-02-29T00:00:00.000Z'],
    ['daily', '2026-12-31T00:00:00.000Z', '2026-12-31T00:00:00.000Z'],
    // 2026-12-28 is the Monday of ISO week 53 of 2026; that week runs into 2027.
    ['weekly', '2026-12-28T00:00:00.000Z', '2026-12-28T00:00:00.000Z'],
    ['weekly', '2027-01-03T23:59:59.999Z', '2026-12-28T00:00:00.000Z'],
    ['weekly', '2027-01-04T00:00:00.000Z', '2027-01-04T00:00:00.000Z'],
    // 2020-12-31 (a Thursday) belongs to the week starting Monday 2020-12-28.
    ['weekly', '2020-12-31T12:00:00.000Z', '2020-12-28T00:00:00.000Z'],
    ['weekly', '2021-01-03T12:00:00.000Z', '2020-12-28T00:00:00.000Z'],
    ['weekly', '1970-01-01T00:00:00.000Z', '1969-12-29T00:00:00.000Z'],
    ['monthly', '2024-02-29T12:00:00.000Z', '2024-02-01T00:00:00.000Z'],
    ['monthly', '2026-01-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z'],
    ['quarterly', '2026-05-15T08:00:00.000Z', '2026-04-01T00:00:00.000Z'],
    ['quarterly', '2026-12-31T23:59:59.999Z', '2026-10-01T00:00:00.000Z'],
    ['quarterly', '2026-03-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z'],
    ['annually', '2024-12-31T23:59:59.999Z', '2024-01-01T00:00:00.000Z'],
  ] as const)('starts the %s slot when t is %s at %s', (frequency, t, start) => {
    expect(iso(slotStartAt(frequency, at(t)))).toBe(start);
  });

  it('agrees with the textbook ISO week when the week straddles a year end', () => {
    expect(isoWeekKey(at('2026-12-28T00:00Z'))).toBe('2026-W53');
    expect(isoWeekKey(at('2020-12-31T00:00Z'))).toBe('2020-W53');
    expect(isoWeekKey(at('2027-01-04T00:00Z'))).toBe('2027-W01');
  });

  it('throws when the instant is not finite', () => {
    expect(() => slotStartAt('daily', Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => slotStartAt('monthly', Number.NaN)).toThrow(RangeError);
  });

  it.each(FREQUENCIES)(
    'matches stepping back until the slot label changes when the frequency is %s',
    (frequency: Frequency) => {
      fc.assert(
        fc.property(anyInstant, (t) => {
          expect(slotStartAt(frequency, t)).toBe(bruteSlotStart(frequency, t));
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe(nextSlotStart.name, () => {
  it.each([
    ['hourly', '2026-03-01T23:00Z', '2026-03-02T00:00:00.000Z'],
    ['daily', '2024-02-28T00:00Z', '2024-02-29T00:00:00.000Z'],
    ['daily', '2024-02-29T00:00Z', '2024-03-01T00:00:00.000Z'],
    ['weekly', '2026-12-28T00:00Z', '2027-01-04T00:00:00.000Z'],
    ['monthly', '2024-01-01T00:00Z', '2024-02-01T00:00:00.000Z'],
    ['monthly', '2024-02-01T00:00Z', '2024-03-01T00:00:00.000Z'],
    ['monthly', '2026-12-01T00:00Z', '2027-01-01T00:00:00.000Z'],
    ['quarterly', '2026-10-01T00:00Z', '2027-01-01T00:00:00.000Z'],
    ['annually', '2024-01-01T00:00Z', '2025-01-01T00:00:00.000Z'],
  ] as const)(
    'ends the %s slot starting %s at %s when given its start',
    (frequency, start, next) => {
      expect(iso(nextSlotStart(frequency, at(start)))).toBe(next);
    },
  );

  it('ends the slot containing the instant when given an instant inside a slot', () => {
    expect(iso(nextSlotStart('monthly', at('2024-01-31T12:00Z')))).toBe('2024-02-01T00:00:00.000Z');
    expect(iso(nextSlotStart('quarterly', at('2026-02-14T00:00Z')))).toBe(
      '2026-04-01T00:00:00.000Z',
    );
  });

  it.each(FREQUENCIES)(
    'is the first instant whose slot differs when the frequency is %s',
    (frequency: Frequency) => {
      fc.assert(
        fc.property(anyInstant, (t) => {
          const next = nextSlotStart(frequency, t);
          expect(next).toBeGreaterThan(t);
          expect(slotStartAt(frequency, next)).toBe(next);
          expect(slotStartAt(frequency, next - 1)).toBe(slotStartAt(frequency, t));
        }),
        { numRuns: 300 },
      );
    },
  );
});
