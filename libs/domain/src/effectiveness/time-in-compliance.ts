import { scopePartsWithin, type ScopeInterval } from '../scope/scope-interval';
import { nominalPeriodMs } from '../slots/frequency';
import type { Instant } from '../time/instant';
import {
  OUTCOME_CODES,
  toResultColumns,
  type ResultColumns,
  type ResultPoint,
} from './result-point';

/** The two durations behind `timeInCompliance`, in milliseconds. */
export interface ComplianceTime {
  /** Time whose latest result is a fresh `pass`. */
  compliant: number;
  /** Time that counts at all: everything in scope except time under a fresh `not_applicable`. */
  considered: number;
}

/** What `timeInCompliance` is measured over: the in-scope part of `[from, asOf)`. */
export interface ComplianceRange {
  scopes: readonly ScopeInterval[];
  from: Instant;
  asOf: Instant;
}

/**
 * Measures, exactly (interval arithmetic, no sampling), the in-scope part of `[from, asOf)`
 * for `timeInCompliance` (SPEC §5.8). At each instant t, the governing result is the latest
 * one with `time <= t` — from any time, also before `from`; among results with the same time,
 * the last in the given order. Then:
 * - no result at all, or the latest one is older than twice the nominal period of the
 *   frequency in force at t → not compliant (no fresh evidence is not compliance);
 * - a fresh `not_applicable` → left out of both durations;
 * - a fresh `pass` → compliant; a fresh `fail` or `error` → not compliant.
 * A result exactly twice the period old is still fresh ("no older than"); that single instant
 * has no length, so it does not change a duration.
 *
 * `results` must include the latest result before `from`; earlier ones change nothing.
 */
export function complianceTime(
  results: readonly Pick<ResultPoint, 'time' | 'outcome'>[],
  range: ComplianceRange,
): ComplianceTime {
  return complianceTimeOfColumns(toResultColumns(results), range);
}

/** {@link complianceTime} over results as columns (ordered by time). */
export function complianceTimeOfColumns(
  results: ResultColumns,
  range: ComplianceRange,
): ComplianceTime {
  if (!Number.isFinite(range.from) || !Number.isFinite(range.asOf)) {
    throw new RangeError(`compliance range must be finite, got [${range.from}, ${range.asOf})`);
  }
  const { times, codes } = results;
  const n = results.length;
  const total: ComplianceTime = { compliant: 0, considered: 0 };
  for (const part of scopePartsWithin(range.scopes, { from: range.from, to: range.asOf })) {
    const freshFor = 2 * nominalPeriodMs(part.frequency);
    let cursor = part.from;
    // `next` is the first result after `cursor`, so `next - 1` is the one governing `cursor`
    // (-1: no result yet); the state is constant until `next` or the end of the part.
    let next = firstTimeAfter(times, n, cursor);
    while (cursor < part.to) {
      const governing = next - 1;
      const pieceEnd = next < n ? Math.min(part.to, times[next]) : part.to;
      const length = pieceEnd - cursor;
      if (governing < 0) {
        total.considered += length;
      } else {
        const fresh = Math.max(0, Math.min(pieceEnd, times[governing] + freshFor) - cursor);
        total.considered += length - fresh;
        const outcome = codes[governing] & 3;
        if (outcome === PASS) {
          total.compliant += fresh;
          total.considered += fresh;
        } else if (outcome !== NOT_APPLICABLE) {
          total.considered += fresh;
        }
      }
      cursor = pieceEnd;
      // The cursor only moves forward: step past the results at or before it (a linear merge,
      // the same index as `firstTimeAfter(times, n, cursor)`).
      while (next < n && times[next] <= cursor) next++;
    }
  }
  return total;
}

const PASS = OUTCOME_CODES.pass;
const NOT_APPLICABLE = OUTCOME_CODES.not_applicable;

/** Index of the first of the `n` ordered times that is `> t`. */
function firstTimeAfter(times: Float64Array, n: number, t: Instant): number {
  let low = 0;
  let high = n;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (times[mid] <= t) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** `compliant / considered`; null when nothing is considered. Rollups pass summed durations. */
export function complianceRatio(time: ComplianceTime): number | null {
  return time.considered === 0 ? null : time.compliant / time.considered;
}

/**
 * `timeInCompliance` (SPEC §5.8): the share of the in-scope part of `[from, asOf)` in which
 * the latest result is a fresh `pass`, time under a fresh `not_applicable` left out; null when
 * no time is considered. See {@link complianceTime} for the exact rules.
 */
export function timeInCompliance(
  results: readonly Pick<ResultPoint, 'time' | 'outcome'>[],
  range: ComplianceRange,
): number | null {
  return complianceRatio(complianceTime(results, range));
}
