import { deviationRate, deviations } from './deviation-rate';

const counts = { expectedOccurrences: 8, failedOccurrences: 1, missedOccurrences: 1 };

describe(deviations.name, () => {
  it('adds failed and missed occurrences when both occur', () => {
    expect(deviations(counts)).toBe(2);
  });
});

describe(deviationRate.name, () => {
  it('divides deviations by expected occurrences when some were expected', () => {
    expect(deviationRate(counts)).toBe(0.25);
  });

  it('is null when nothing was expected', () => {
    expect(
      deviationRate({ expectedOccurrences: 0, failedOccurrences: 0, missedOccurrences: 0 }),
    ).toBeNull();
  });
});
