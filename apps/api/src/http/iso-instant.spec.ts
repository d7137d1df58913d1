import fc from 'fast-check';
import { isoInstant } from './iso-instant';

describe(isoInstant.name, () => {
  it('writes any instant as toISOString does, whole hours included', () => {
    const hour = fc.integer({ min: 0, max: 2_000_000 }).map((h) => h * 3_600_000);
    // Whole hours anywhere a Date reaches, years after 9999 included.
    const farHour = fc.integer({ min: 0, max: 2_400_000_000 }).map((h) => h * 3_600_000);
    const any = fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(hour, farHour, any), { minLength: 1, maxLength: 50 }),
        (instants) => {
          // In sequence, so the day cache is hit, missed and reset.
          for (const ms of instants) expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('writes the extended years after 9999 with their sign and six digits', () => {
    expect(isoInstant(257_343_750_000_000)).toBe('+010124-11-24T15:00:00.000Z');
  });

  it('throws on an instant a Date cannot hold, as toISOString does', () => {
    expect(() => isoInstant(8_640_000_000_000_000 + 3_600_000)).toThrow(RangeError);
    expect(() => isoInstant(Number.NaN)).toThrow(RangeError);
  });
});
