import type { OccurrenceCounts } from './expected-occurrences';

/** `deviations = failedOccurrences + missedOccurrences` (SPEC §5.5). */
export function deviations(
  counts: Pick<OccurrenceCounts, 'failedOccurrences' | 'missedOccurrences'>,
): number {
  return counts.failedOccurrences + counts.missedOccurrences;
}

/**
 * `deviationRate = deviations / expectedOccurrences` (SPEC §5.5); null when nothing was
 * expected. Rollups pass summed counts, which gives `Σ deviations / Σ expected` (SPEC §5.11).
 */
export function deviationRate(
  counts: Pick<OccurrenceCounts, 'expectedOccurrences' | 'failedOccurrences' | 'missedOccurrences'>,
): number | null {
  return counts.expectedOccurrences === 0 ? null : deviations(counts) / counts.expectedOccurrences;
}
