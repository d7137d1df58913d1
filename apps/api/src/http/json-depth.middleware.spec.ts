import { jsonDepth } from './json-depth.middleware';

describe(jsonDepth.name, () => {
  it.each([
    [1, 0],
    [null, 0],
    [{}, 1],
    [[1, [2, { a: [3] }]], 4],
    [{ a: { b: 1 }, c: [[[]]] }, 4],
  ])('measures %j as %i levels deep', (value, depth) => {
    expect(jsonDepth(value)).toBe(depth);
  });

  it('measures 100,000 levels without recursing, and stops early past the limit', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(jsonDepth(deep)).toBe(100_000);
    expect(jsonDepth(deep, 64)).toBe(65);
  });
});
