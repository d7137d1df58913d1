import { verdict, worstVerdict, VERDICT_SEVERITY, type Verdict } from './verdict';

function counts(expectedOccurrences: number, failedOccurrences: number, missedOccurrences = 0) {
  return { expectedOccurrences, failedOccurrences, missedOccurrences };
}

describe(verdict.name, () => {
  it('is not_in_scope when nothing was expected', () => {
    expect(verdict(counts(0, 0), 0.05)).toBe('not_in_scope');
  });

  it('is effective when there is no deviation', () => {
    expect(verdict(counts(20, 0), 0)).toBe('effective');
  });

  it('is effective_with_exceptions when the rate equals the tolerance exactly', () => {
    expect(verdict(counts(20, 0, 1), 0.05)).toBe('effective_with_exceptions');
    expect(verdict(counts(60, 2, 1), 0.05)).toBe('effective_with_exceptions');
    // 0.57 * 100 is 56.99999999999999 in floating point: comparing the rate, not the product.
    expect(verdict(counts(100, 57), 0.57)).toBe('effective_with_exceptions');
  });

  it('is not_effective when the rate is above the tolerance', () => {
    expect(verdict(counts(20, 1, 1), 0.05)).toBe('not_effective');
    expect(verdict(counts(1000, 51), 0.05)).toBe('not_effective');
  });

  it('is not_effective for any deviation when nothing is tolerable', () => {
    expect(verdict(counts(1000, 1), 0)).toBe('not_effective');
  });
});

describe(worstVerdict.name, () => {
  it('orders not_effective > effective_with_exceptions > effective > not_in_scope when comparing', () => {
    const ordered: Verdict[] = [
      'not_in_scope',
      'effective',
      'effective_with_exceptions',
      'not_effective',
    ];
    expect(ordered.map((v) => VERDICT_SEVERITY[v])).toEqual([0, 1, 2, 3]);
    expect(worstVerdict(['effective', 'not_in_scope'])).toBe('effective');
    expect(worstVerdict(['effective_with_exceptions', 'not_effective', 'effective'])).toBe(
      'not_effective',
    );
  });

  it('is not_in_scope when there is no verdict', () => {
    expect(worstVerdict([])).toBe('not_in_scope');
  });
});
