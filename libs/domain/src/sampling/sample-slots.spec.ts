import fc from 'fast-check';
import { at, iso } from '../testing/factories';
import { DAY_MS } from '../time/instant';
import { sampleRank, sampleSlots } from './sample-slots';

const march = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'].map((day) => ({
  start: at(`${day}T00:00Z`),
  end: at(`${day}T00:00Z`) + DAY_MS,
}));

describe(sampleRank.name, () => {
  it('is the SHA-256 of "<seed>:<ISO start>" when checked against sha256sum', () => {
    // printf 'audit-2026:2026-03-01T00:00:00.000Z' | sha256sum
    expect(sampleRank('audit-2026', at('2026-03-01T00:00Z'))).toBe(
      '12cc3af854870736c80938fabad7efd83bbe64aad2eda9adc6d497d648072ad9',
    );
  });
});

describe(sampleSlots.name, () => {
  it('takes the lowest ranks and lists them by start when the seed is fixed', () => {
    // Ranks: 03-01 12cc…, 03-05 20ac…, 03-02 20bf…, 03-03 a29d…, 03-04 f23b….
    expect(sampleSlots(march, 'audit-2026', 2).map((s) => iso(s.start).slice(0, 10))).toEqual([
      '2026-03-01',
      '2026-03-05',
    ]);
    expect(sampleSlots(march, 'audit-2026', 3).map((s) => iso(s.start).slice(0, 10))).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-05',
    ]);
  });

  it('returns the whole population by start when the size exceeds it', () => {
    expect(sampleSlots([...march].reverse(), 'audit-2026', 25)).toEqual(march);
  });

  it('returns nothing when the size is zero or the population is empty', () => {
    expect(sampleSlots(march, 'x', 0)).toEqual([]);
    expect(sampleSlots([], 'x', 5)).toEqual([]);
  });

  it('throws when the size is negative or fractional', () => {
    expect(() => sampleSlots(march, 'x', -1)).toThrow(RangeError);
    expect(() => sampleSlots(march, 'x', 1.5)).toThrow(RangeError);
  });

  it('is a sorted subset that depends only on the seed when populations are random', () => {
    const population = fc
      .uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 60 })
      .map((days) => days.map((d) => ({ start: at('2020-01-01T00:00Z') + d * DAY_MS })));
    fc.assert(
      fc.property(population, fc.string(), fc.nat({ max: 70 }), (items, seed, size) => {
        const sample = sampleSlots(items, seed, size);
        expect(sample).toHaveLength(Math.min(size, items.length));
        expect(sample.every((item) => items.includes(item))).toBe(true);
        expect(sample.map((s) => s.start)).toEqual(
          [...sample.map((s) => s.start)].sort((a, b) => a - b),
        );
        // Order of the population does not matter, and a smaller sample is a subset of a larger one.
        expect(sampleSlots([...items].reverse(), seed, size)).toEqual(sample);
        expect(sampleSlots(items, seed, size + 1)).toEqual(expect.arrayContaining(sample));
      }),
      { numRuns: 200 },
    );
  });
});
