import { inScopeDuration, type ScopeInterval } from '../scope/scope-interval';
import { DAY_MS, type Interval } from '../time/instant';

/** SOC 2 Type II periods shorter than this are not accepted as evidence of operation. */
export const MINIMUM_PERIOD_MS = 90 * DAY_MS;

/**
 * `meetsMinimumPeriod` (SPEC §5.10): at least 90 days of the window `[from, to)` are in scope
 * (summed over all scope intervals, gaps not counted). It is about the window as defined, not
 * only its elapsed part up to `asOf`: a 90-day window still in progress meets it.
 */
export function meetsMinimumPeriod(input: {
  scopes: readonly ScopeInterval[];
  window: Interval;
}): boolean {
  return spansMinimumPeriod(inScopeDuration(input.scopes, input.window));
}

/** `meetsMinimumPeriod` of a window whose in-scope milliseconds are already measured. */
export function spansMinimumPeriod(inScopeMs: number): boolean {
  return inScopeMs >= MINIMUM_PERIOD_MS;
}
