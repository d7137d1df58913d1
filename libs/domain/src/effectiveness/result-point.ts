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

/** The code of each outcome in {@link ResultColumns}; add {@link LATE_FLAG} when late. */
export const OUTCOME_CODES: Readonly<Record<Outcome, number>> = {
  pass: 0,
  fail: 1,
  error: 2,
  not_applicable: 3,
};

/** Added to an outcome code for a late result. */
export const LATE_FLAG = 4;

const OUTCOME_OF_CODE: readonly Outcome[] = ['pass', 'fail', 'error', 'not_applicable'];

/**
 * A pair's results as two columns ordered by time (ties in ingestion order), no object per
 * result: what the rollup path (`evaluatePairSummaryOfColumns`) reads, a year of a service being
 * 200,000 results.
 */
export interface ResultColumns {
  readonly length: number;
  /** Event times (ms); at least `length` long. */
  readonly times: Float64Array;
  /** `OUTCOME_CODES[outcome]`, plus `LATE_FLAG` when late; at least `length` long. */
  readonly codes: Uint8Array;
}

/** The results as columns, ordered by time (ties keep their order, as in {@link byTime}). */
export function toResultColumns(
  results: readonly (Pick<ResultPoint, 'time' | 'outcome'> & { late?: boolean })[],
): ResultColumns {
  const ordered = byTime(results);
  const times = new Float64Array(ordered.length);
  const codes = new Uint8Array(ordered.length);
  for (let i = 0; i < ordered.length; i++) {
    times[i] = ordered[i].time;
    codes[i] = OUTCOME_CODES[ordered[i].outcome] + (ordered[i].late === true ? LATE_FLAG : 0);
  }
  return { length: ordered.length, times, codes };
}

/** The results of columns as points (no ids or evidence), for the paths that need objects. */
export function resultPointsOf(columns: ResultColumns): ResultPoint[] {
  const points: ResultPoint[] = new Array<ResultPoint>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const code = columns.codes[i];
    points[i] = {
      id: '',
      time: columns.times[i],
      outcome: OUTCOME_OF_CODE[code & 3],
      late: code >= LATE_FLAG,
      evidenceUri: null,
    };
  }
  return points;
}
