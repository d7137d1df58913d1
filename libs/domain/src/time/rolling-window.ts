import { DAY_MS, type Instant, type Interval } from './instant';

/** The rolling windows the evaluator snapshots every day (SPEC §5). */
export const ROLLING_WINDOW_DAYS = [30, 90, 180, 365] as const;
export type RollingWindowDays = (typeof ROLLING_WINDOW_DAYS)[number];

/**
 * The window of the last `days` whole UTC days, ending at the start of the UTC day that
 * contains `today` (SPEC §5: "ending at the start of today, UTC"). Today itself is not
 * included: it has not finished yet. `days` is usually one of ROLLING_WINDOW_DAYS.
 *
 * @example rollingWindow(30, Date.parse('2026-03-15T10:00:00Z'))
 *   // { from: 2026-02-13T00:00Z, to: 2026-03-15T00:00Z }
 */
export function rollingWindow(days: number, today: Instant): Interval {
  if (!Number.isInteger(days) || days <= 0) {
    throw new RangeError(
      `rolling window length must be a positive whole number of days, got ${days}`,
    );
  }
  if (!Number.isFinite(today)) {
    throw new RangeError(`today must be a finite instant, got ${today}`);
  }
  const to = Math.floor(today / DAY_MS) * DAY_MS;
  return { from: to - days * DAY_MS, to };
}
