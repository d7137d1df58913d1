import { coverage } from '../effectiveness/coverage';
import { deviationRate } from '../effectiveness/deviation-rate';
import type { PairEffectiveness } from '../effectiveness/pair-effectiveness';
import { mttrSecondsOf } from '../effectiveness/mttr-seconds';
import type { ResultCounts } from '../effectiveness/result-counts';
import { complianceRatio } from '../effectiveness/time-in-compliance';
import { VERDICTS, VERDICT_SEVERITY, type Verdict } from '../effectiveness/verdict';

/** The effectiveness of a service, a criterion or the fleet: a rollup of pairs (SPEC §5.11). */
export interface EffectivenessRollup {
  pairs: number;
  expectedOccurrences: number;
  passedOccurrences: number;
  failedOccurrences: number;
  missedOccurrences: number;
  notApplicableOccurrences: number;
  deviations: number;
  /** Σ deviations / Σ expected; null when nothing was expected. */
  deviationRate: number | null;
  /** Σ (passed + failed) / Σ expected; null when nothing was expected. */
  coverage: number | null;
  remediatedEpisodes: number;
  openEpisodes: number;
  /** Mean duration of every remediated episode of every pair, in seconds; null if none. */
  mttrSeconds: number | null;
  resultCounts: ResultCounts;
  lateResults: number;
  /** Σ compliant / Σ considered seconds: each pair weighs by the time it was considered. */
  timeInCompliance: number | null;
  verdictCounts: Record<Verdict, number>;
  /** The worst verdict of the pairs; `not_in_scope` when there are none. */
  verdict: Verdict;
}

/**
 * Rolls pairs up (SPEC §5.11): sums of the counts, rates recomputed from the sums (not
 * averaged), the number of pairs per verdict and the worst verdict. Which pairs to pass —
 * those of a service, of a criterion, or all — is the caller's choice: SPEC counts the pairs
 * with an assignment overlapping the window.
 */
export function rollUp(pairs: Iterable<PairEffectiveness>): EffectivenessRollup {
  const rollup = new RollupAccumulator();
  for (const pair of pairs) rollup.add(pair);
  return rollup.result();
}

/**
 * {@link rollUp} one pair at a time: a fleet's answer keeps one accumulator per service rather
 * than every pair's evaluation until the end. Pairs added in the same order give the same
 * sums, to the last bit, as `rollUp` over the list.
 */
export class RollupAccumulator {
  private pairs = 0;
  private readonly sums = {
    expectedOccurrences: 0,
    passedOccurrences: 0,
    failedOccurrences: 0,
    missedOccurrences: 0,
    notApplicableOccurrences: 0,
    deviations: 0,
    remediatedEpisodes: 0,
    openEpisodes: 0,
    lateResults: 0,
  };
  private readonly resultCounts: ResultCounts = { pass: 0, fail: 0, error: 0, notApplicable: 0 };
  private readonly compliance = { compliant: 0, considered: 0 };
  private remediatedMicroseconds = 0;
  private readonly verdictCounts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<
    Verdict,
    number
  >;
  private worst: Verdict = 'not_in_scope';

  add(pair: PairEffectiveness): void {
    const sums = this.sums;
    this.pairs++;
    sums.expectedOccurrences += pair.expectedOccurrences;
    sums.passedOccurrences += pair.passedOccurrences;
    sums.failedOccurrences += pair.failedOccurrences;
    sums.missedOccurrences += pair.missedOccurrences;
    sums.notApplicableOccurrences += pair.notApplicableOccurrences;
    sums.deviations += pair.deviations;
    sums.remediatedEpisodes += pair.remediatedEpisodes;
    sums.openEpisodes += pair.openEpisodes;
    sums.lateResults += pair.lateResults;
    const counts = this.resultCounts;
    counts.pass += pair.resultCounts.pass;
    counts.fail += pair.resultCounts.fail;
    counts.error += pair.resultCounts.error;
    counts.notApplicable += pair.resultCounts.notApplicable;
    this.compliance.compliant += pair.complianceSeconds.compliant;
    this.compliance.considered += pair.complianceSeconds.considered;
    this.remediatedMicroseconds += pair.remediatedMicroseconds;
    this.verdictCounts[pair.verdict]++;
    if (VERDICT_SEVERITY[pair.verdict] > VERDICT_SEVERITY[this.worst]) this.worst = pair.verdict;
  }

  result(): EffectivenessRollup {
    const sums = { ...this.sums };
    return {
      pairs: this.pairs,
      ...sums,
      deviationRate: deviationRate(sums),
      coverage: coverage(sums),
      mttrSeconds: mttrSecondsOf(this.remediatedMicroseconds, sums.remediatedEpisodes),
      resultCounts: { ...this.resultCounts },
      timeInCompliance: complianceRatio(this.compliance),
      verdictCounts: { ...this.verdictCounts },
      verdict: this.worst,
    };
  }
}
