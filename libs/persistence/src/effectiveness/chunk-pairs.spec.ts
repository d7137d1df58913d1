import { chunkPairs } from './effectiveness.query';

describe(chunkPairs.name, () => {
  it('keeps 100 pairs per chunk up to 2,000 pairs, so a service still reads two chunks at once', () => {
    expect(chunkPairs(1, false)).toBe(100);
    expect(chunkPairs(200, false)).toBe(100);
    expect(chunkPairs(2_000, false)).toBe(100);
  });

  it('reads a fleet in about 20 round trips, at most 500 pairs each', () => {
    expect(chunkPairs(2_001, false)).toBe(101);
    expect(chunkPairs(10_000, false)).toBe(500);
    expect(chunkPairs(50_000, false)).toBe(500);
  });

  it('keeps chunks with evidence at 100 pairs: they hold an object per result', () => {
    expect(chunkPairs(10_000, true)).toBe(100);
  });
});
