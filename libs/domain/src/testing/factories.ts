import type { ResultPoint } from '../effectiveness/result-point';
import type { ScopeInterval } from '../scope/scope-interval';
import type { Frequency } from '../slots/frequency';
import type { Instant } from '../time/instant';

/** `at('2026-03-01T09:00Z')`: an RFC 3339 UTC string as an instant, failing loudly on a typo. */
export function at(iso: string): Instant {
  const t = Date.parse(iso);
  if (!iso.endsWith('Z') || Number.isNaN(t)) throw new Error(`not a UTC instant: ${iso}`);
  return t;
}

/** Back to a readable string, for expectations on slot lists. */
export function iso(t: Instant): string {
  return new Date(t).toISOString();
}

let nextId = 0;

/** A result with sensible defaults; override what the test is about. */
export function result(overrides: Partial<ResultPoint> & { time: Instant }): ResultPoint {
  nextId++;
  return { id: `r${nextId}`, outcome: 'pass', late: false, evidenceUri: null, ...overrides };
}

/** Shorthand: a result of `outcome` at an RFC 3339 time. */
export function resultAt(
  time: string,
  outcome: ResultPoint['outcome'],
  overrides: Partial<ResultPoint> = {},
): ResultPoint {
  return result({ time: at(time), outcome, ...overrides });
}

/** A scope interval from RFC 3339 strings; `to` omitted means the assignment is still open. */
export function scope(frequency: Frequency, from: string, to?: string): ScopeInterval {
  return { frequency, from: at(from), to: to === undefined ? Number.POSITIVE_INFINITY : at(to) };
}
