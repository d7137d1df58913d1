import type { OccurrenceCounts } from './expected-occurrences';
import { deviations } from './deviation-rate';

/** The operating-effectiveness verdict of a pair or a rollup (SPEC §5.10, §5.11). */
export type Verdict = 'effective' | 'effective_with_exceptions' | 'not_effective' | 'not_in_scope';

/** How bad a verdict is; rollups report the worst (highest) one. */
export const VERDICT_SEVERITY: Record<Verdict, number> = {
  not_in_scope: 0,
  effective: 1,
  effective_with_exceptions: 2,
  not_effective: 3,
};

/** Every verdict, best to worst. */
export const VERDICTS: readonly Verdict[] = [
  'not_in_scope',
  'effective',
  'effective_with_exceptions',
  'not_effective',
];

/**
 * The verdict (SPEC §5.10): `not_in_scope` if nothing was expected; else `effective` if there
 * was no deviation; else `effective_with_exceptions` if `deviationRate <= tolerableDeviationRate`
 * (a rate exactly at the tolerance is still tolerable); else `not_effective`.
 *
 * The rate is computed as one division, `deviations / expected`, which IEEE 754 rounds
 * correctly: a rate mathematically equal to the tolerance (1/20 vs 0.05) compares equal,
 * which `deviations <= tolerance * expected` would not guarantee.
 */
export function verdict(
  counts: Pick<OccurrenceCounts, 'expectedOccurrences' | 'failedOccurrences' | 'missedOccurrences'>,
  tolerableDeviationRate: number,
): Verdict {
  if (counts.expectedOccurrences === 0) return 'not_in_scope';
  const deviating = deviations(counts);
  if (deviating === 0) return 'effective';
  return deviating / counts.expectedOccurrences <= tolerableDeviationRate
    ? 'effective_with_exceptions'
    : 'not_effective';
}

/** The worse of the verdicts (SPEC §5.11); `not_in_scope` for none. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'not_in_scope';
  for (const candidate of verdicts) {
    if (VERDICT_SEVERITY[candidate] > VERDICT_SEVERITY[worst]) worst = candidate;
  }
  return worst;
}
