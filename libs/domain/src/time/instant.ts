/** A point in time: milliseconds since the Unix epoch, UTC. */
export type Instant = number;

/** A half-open interval of time `[from, to)`. */
export interface Interval {
  from: Instant;
  to: Instant;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * An instant as RFC 3339 UTC text, to the microsecond PostgreSQL stores: `toISOString()` when
 * `micros` (the microseconds within its millisecond, 0–999) is 0, else six fraction digits
 * (`…:11.123456Z`). Events and COPY rows both write time this way.
 */
export function instantText(time: Date, micros = 0): string {
  const iso = time.toISOString();
  return micros === 0 ? iso : `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

/** Length of `[from, to)` in milliseconds; 0 when the interval is empty. */
export function intervalLength(interval: Interval): number {
  return Math.max(0, interval.to - interval.from);
}

/** The intersection of two half-open intervals (possibly empty: `from >= to`). */
export function intersectIntervals(a: Interval, b: Interval): Interval {
  return { from: Math.max(a.from, b.from), to: Math.min(a.to, b.to) };
}

/**
 * Throws a RangeError unless `interval` is a finite, non-inverted interval.
 * Domain functions that enumerate slots call this so that an unbounded interval fails loudly
 * instead of looping forever.
 */
export function assertFiniteInterval(interval: Interval, name = 'interval'): void {
  if (!Number.isFinite(interval.from) || !Number.isFinite(interval.to)) {
    throw new RangeError(`${name} must have finite bounds, got [${interval.from}, ${interval.to})`);
  }
  if (interval.from > interval.to) {
    throw new RangeError(`${name} is inverted: from ${interval.from} > to ${interval.to}`);
  }
}
