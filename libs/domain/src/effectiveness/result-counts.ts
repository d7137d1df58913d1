import type { Interval } from '../time/instant';
import type { ResultPoint } from './result-point';

/** Results by outcome (SPEC §5.9). */
export interface ResultCounts {
  pass: number;
  fail: number;
  error: number;
  notApplicable: number;
}

/** Counts by outcome the results with `time` in `[from, to)` (SPEC §5.9), late ones included. */
export function resultCounts(
  results: readonly Pick<ResultPoint, 'time' | 'outcome'>[],
  window: Interval,
): ResultCounts {
  const counts: ResultCounts = { pass: 0, fail: 0, error: 0, notApplicable: 0 };
  for (const result of results) {
    if (result.time < window.from || result.time >= window.to) continue;
    switch (result.outcome) {
      case 'pass':
        counts.pass++;
        break;
      case 'fail':
        counts.fail++;
        break;
      case 'error':
        counts.error++;
        break;
      case 'not_applicable':
        counts.notApplicable++;
        break;
    }
  }
  return counts;
}

/** `lateResults` (SPEC §5.9): results with `time` in `[from, to)` that arrived late. */
export function lateResults(
  results: readonly Pick<ResultPoint, 'time' | 'late'>[],
  window: Interval,
): number {
  return results.filter((r) => r.late && r.time >= window.from && r.time < window.to).length;
}
