import type { SlotStatus } from './slot-status';

/** The occurrence counts of SPEC §5.4. */
export interface OccurrenceCounts {
  /** Expected slots that are not `not_applicable`. */
  expectedOccurrences: number;
  passedOccurrences: number;
  failedOccurrences: number;
  missedOccurrences: number;
  /** Expected slots whose status is `not_applicable`; reported, excluded from everything else. */
  notApplicableOccurrences: number;
}

/**
 * Counts the expected slots by status (SPEC §5.4). `passed + failed + missed = expected`;
 * `not_applicable` slots are counted apart and are not occurrences.
 */
export function countOccurrences(statuses: readonly SlotStatus[]): OccurrenceCounts {
  const counts: OccurrenceCounts = {
    expectedOccurrences: 0,
    passedOccurrences: 0,
    failedOccurrences: 0,
    missedOccurrences: 0,
    notApplicableOccurrences: 0,
  };
  for (const status of statuses) {
    switch (status) {
      case 'passed':
        counts.passedOccurrences++;
        break;
      case 'failed':
        counts.failedOccurrences++;
        break;
      case 'missed':
        counts.missedOccurrences++;
        break;
      case 'not_applicable':
        counts.notApplicableOccurrences++;
        break;
    }
  }
  counts.expectedOccurrences =
    counts.passedOccurrences + counts.failedOccurrences + counts.missedOccurrences;
  return counts;
}

/** `expectedOccurrences` (SPEC §5.4): the expected slots that are not `not_applicable`. */
export function expectedOccurrences(statuses: readonly SlotStatus[]): number {
  return statuses.filter((status) => status !== 'not_applicable').length;
}
