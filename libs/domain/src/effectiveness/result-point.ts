import type { Instant } from '../time/instant';

/** The outcome of one control test (SPEC §3). `error` means the test could not run. */
export type Outcome = 'pass' | 'fail' | 'error' | 'not_applicable';

/** Every outcome, in the order reports list them. */
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'not_applicable'];

/** One stored result of a (service, control) pair, as the engine needs it. */
export interface ResultPoint {
  id: string;
  /** When the test ran (event time). */
  time: Instant;
  outcome: Outcome;
  /** Received more than 24 h after `time` (SPEC §3). */
  late: boolean;
  evidenceUri?: string | null;
}

/** `fail` and `error` both count against the control (SPEC §5.3, §5.7). */
export function isFailing(outcome: Outcome): boolean {
  return outcome === 'fail' || outcome === 'error';
}

/**
 * The results ordered by time; results with the same time keep their given order (the caller
 * orders ties by ingestion). Returns the array itself when it is already in order.
 */
export function byTime<T extends { time: Instant }>(results: readonly T[]): readonly T[] {
  for (let i = 1; i < results.length; i++) {
    if (results[i].time < results[i - 1].time) {
      // Array.prototype.sort is stable (ES2019), which keeps ties in ingestion order.
      return [...results].sort((a, b) => a.time - b.time);
    }
  }
  return results;
}
