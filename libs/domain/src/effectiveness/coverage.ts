import type { OccurrenceCounts } from './expected-occurrences';

/**
 * `coverage = (passed + failed) / expected` (SPEC §5.5): the share of occurrences in which the
 * control produced a verdict at all. Null when nothing was expected.
 */
export function coverage(
  counts: Pick<OccurrenceCounts, 'expectedOccurrences' | 'passedOccurrences' | 'failedOccurrences'>,
): number | null {
  return counts.expectedOccurrences === 0
    ? null
    : (counts.passedOccurrences + counts.failedOccurrences) / counts.expectedOccurrences;
}
