import { coverage } from './coverage';

describe(coverage.name, () => {
  it('is the share of occurrences with a pass or a fail when some were expected', () => {
    expect(coverage({ expectedOccurrences: 8, passedOccurrences: 5, failedOccurrences: 1 })).toBe(
      0.75,
    );
  });

  it('is null when nothing was expected', () => {
    expect(
      coverage({ expectedOccurrences: 0, passedOccurrences: 0, failedOccurrences: 0 }),
    ).toBeNull();
  });
});
