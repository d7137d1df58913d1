import fc from 'fast-check';
import type { PairEffectiveness } from '../effectiveness/pair-effectiveness';
import { VERDICT_SEVERITY, type Verdict } from '../effectiveness/verdict';
import { rollUp } from './roll-up';

function pair(overrides: Partial<PairEffectiveness> = {}): PairEffectiveness {
  return {
    expectedOccurrences: 10,
    passedOccurrences: 10,
    failedOccurrences: 0,
    missedOccurrences: 0,
    notApplicableOccurrences: 0,
    deviations: 0,
    deviationRate: 0,
    coverage: 1,
    longestDeviationStreak: 0,
    remediatedEpisodes: 0,
    openEpisodes: 0,
    mttrSeconds: null,
    timeInCompliance: 1,
    resultCounts: { pass: 10, fail: 0, error: 0, notApplicable: 0 },
    lateResults: 0,
    verdict: 'effective',
    meetsMinimumPeriod: true,
    inScopeSeconds: 864000,
    complianceSeconds: { compliant: 864000, considered: 864000 },
    ...overrides,
    remediatedMicroseconds:
      overrides.remediatedMicroseconds ??
      Math.round((overrides.mttrSeconds ?? 0) * (overrides.remediatedEpisodes ?? 0) * 1e6),
  };
}

describe(rollUp.name, () => {
  it('divides the summed episode durations once: the mean of 49 s over 3 and 1 s over 1 is 12.5', () => {
    // Σ(mean × count) would give 12.500000000000002: 49/3 is already rounded.
    const rollup = rollUp([
      pair({ remediatedEpisodes: 3, mttrSeconds: 49 / 3, remediatedMicroseconds: 49_000_000 }),
      pair({ remediatedEpisodes: 1, mttrSeconds: 1, remediatedMicroseconds: 1_000_000 }),
    ]);
    expect(rollup.mttrSeconds).toBe(12.5);
  });

  it('sums the counts and recomputes rates from the sums when pairs differ in size', () => {
    const rollup = rollUp([
      pair(),
      pair({
        expectedOccurrences: 30,
        passedOccurrences: 24,
        failedOccurrences: 2,
        missedOccurrences: 4,
        notApplicableOccurrences: 3,
        deviations: 6,
        deviationRate: 0.2,
        coverage: 26 / 30,
        remediatedEpisodes: 2,
        openEpisodes: 1,
        mttrSeconds: 600,
        resultCounts: { pass: 24, fail: 1, error: 1, notApplicable: 3 },
        lateResults: 2,
        verdict: 'not_effective',
        complianceSeconds: { compliant: 100, considered: 400 },
      }),
      pair({ remediatedEpisodes: 1, mttrSeconds: 1500, verdict: 'effective_with_exceptions' }),
    ]);
    expect(rollup).toEqual({
      pairs: 3,
      expectedOccurrences: 50,
      passedOccurrences: 44,
      failedOccurrences: 2,
      missedOccurrences: 4,
      notApplicableOccurrences: 3,
      deviations: 6,
      deviationRate: 6 / 50, // Σ deviations / Σ expected, not the mean of 0, 0.2 and 0
      coverage: 46 / 50,
      remediatedEpisodes: 3,
      openEpisodes: 1,
      mttrSeconds: (2 * 600 + 1500) / 3,
      resultCounts: { pass: 44, fail: 1, error: 1, notApplicable: 3 },
      lateResults: 2,
      timeInCompliance: (864000 * 2 + 100) / (864000 * 2 + 400),
      verdictCounts: {
        not_in_scope: 0,
        effective: 1,
        effective_with_exceptions: 1,
        not_effective: 1,
      },
      verdict: 'not_effective',
    });
  });

  it('is not_in_scope with null rates when there are no pairs', () => {
    expect(rollUp([])).toMatchObject({
      pairs: 0,
      deviationRate: null,
      coverage: null,
      mttrSeconds: null,
      timeInCompliance: null,
      verdict: 'not_in_scope',
      verdictCounts: {
        not_in_scope: 0,
        effective: 0,
        effective_with_exceptions: 0,
        not_effective: 0,
      },
    });
  });

  it('sums every pair and reports the worst verdict when pairs are random', () => {
    const verdict = fc.constantFrom<Verdict>(
      'not_in_scope',
      'effective',
      'effective_with_exceptions',
      'not_effective',
    );
    const randomPair = fc
      .record({
        passed: fc.nat(50),
        failed: fc.nat(10),
        missed: fc.nat(10),
        na: fc.nat(5),
        remediated: fc.nat(4),
        open: fc.nat(2),
        mttr: fc.integer({ min: 1, max: 100_000 }),
        late: fc.nat(3),
        compliant: fc.nat(1000),
        extra: fc.nat(1000),
        verdict,
      })
      .map((r) =>
        pair({
          expectedOccurrences: r.passed + r.failed + r.missed,
          passedOccurrences: r.passed,
          failedOccurrences: r.failed,
          missedOccurrences: r.missed,
          notApplicableOccurrences: r.na,
          deviations: r.failed + r.missed,
          remediatedEpisodes: r.remediated,
          openEpisodes: r.open,
          mttrSeconds: r.remediated ? r.mttr : null,
          resultCounts: { pass: r.passed, fail: r.failed, error: r.late, notApplicable: r.na },
          lateResults: r.late,
          complianceSeconds: { compliant: r.compliant, considered: r.compliant + r.extra },
          verdict: r.verdict,
        }),
      );
    fc.assert(
      fc.property(fc.array(randomPair, { maxLength: 12 }), (pairs) => {
        const rollup = rollUp(pairs);
        const sum = (f: (p: PairEffectiveness) => number) => pairs.reduce((s, p) => s + f(p), 0);
        expect(rollup.pairs).toBe(pairs.length);
        expect(rollup.expectedOccurrences).toBe(sum((p) => p.expectedOccurrences));
        expect(rollup.passedOccurrences + rollup.failedOccurrences + rollup.missedOccurrences).toBe(
          rollup.expectedOccurrences,
        );
        expect(rollup.notApplicableOccurrences).toBe(sum((p) => p.notApplicableOccurrences));
        expect(rollup.deviations).toBe(sum((p) => p.deviations));
        expect(rollup.deviationRate).toBe(
          rollup.expectedOccurrences ? rollup.deviations / rollup.expectedOccurrences : null,
        );
        expect(rollup.remediatedEpisodes).toBe(sum((p) => p.remediatedEpisodes));
        expect(rollup.openEpisodes).toBe(sum((p) => p.openEpisodes));
        expect(rollup.lateResults).toBe(sum((p) => p.lateResults));
        expect(rollup.resultCounts.error).toBe(sum((p) => p.resultCounts.error));
        const considered = sum((p) => p.complianceSeconds.considered);
        expect(rollup.timeInCompliance).toBe(
          considered ? sum((p) => p.complianceSeconds.compliant) / considered : null,
        );
        if (rollup.mttrSeconds === null) expect(rollup.remediatedEpisodes).toBe(0);
        else
          expect(rollup.mttrSeconds).toBeCloseTo(
            sum((p) => (p.mttrSeconds ?? 0) * p.remediatedEpisodes) / rollup.remediatedEpisodes,
            6,
          );
        expect(Object.values(rollup.verdictCounts).reduce((s, n) => s + n, 0)).toBe(pairs.length);
        const worst = Math.max(0, ...pairs.map((p) => VERDICT_SEVERITY[p.verdict]));
        expect(VERDICT_SEVERITY[rollup.verdict]).toBe(worst);
      }),
      { numRuns: 500 },
    );
  });
});
