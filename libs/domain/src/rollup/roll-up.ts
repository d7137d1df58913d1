import { coverage } from '../effectiveness/coverage';
import { deviationRate } from '../effectiveness/deviation-rate';
import type { PairEffectiveness } from '../effectiveness/pair-effectiveness';
import type { ResultCounts } from '../effectiveness/result-counts';
import { complianceRatio } from '../effectiveness/time-in-compliance';
import { VERDICTS, worstVerdict, type Verdict } from '../effectiveness/verdict';

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
export function rollUp(pairs: readonly PairEffectiveness[]): EffectivenessRollup {
  const verdictCounts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const sums = {
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
  const resultCounts: ResultCounts = { pass: 0, fail: 0, error: 0, notApplicable: 0 };
  const compliance = { compliant: 0, considered: 0 };
  let remediatedSeconds = 0;

  const sumKeys = Object.keys(sums) as (keyof typeof sums)[];
  const countKeys = Object.keys(resultCounts) as (keyof ResultCounts)[];
  for (const pair of pairs) {
    for (const key of sumKeys) sums[key] += pair[key];
    for (const key of countKeys) resultCounts[key] += pair.resultCounts[key];
    compliance.compliant += pair.complianceSeconds.compliant;
    compliance.considered += pair.complianceSeconds.considered;
    if (pair.mttrSeconds !== null) remediatedSeconds += pair.mttrSeconds * pair.remediatedEpisodes;
    verdictCounts[pair.verdict]++;
  }

  return {
    pairs: pairs.length,
    ...sums,
    deviationRate: deviationRate(sums),
    coverage: coverage(sums),
    mttrSeconds: sums.remediatedEpisodes === 0 ? null : remediatedSeconds / sums.remediatedEpisodes,
    resultCounts,
    timeInCompliance: complianceRatio(compliance),
    verdictCounts,
    verdict: worstVerdict(pairs.map((pair) => pair.verdict)),
  };
}
