import { intersectIntervals, intervalLength, type Instant, type Interval } from '../time/instant';
import type { Frequency } from '../slots/frequency';

/**
 * A scope interval: part of an assignment during which one control definition (frequency) was
 * in force. `to` may be `Number.POSITIVE_INFINITY` for an assignment that has not ended.
 *
 * Slots are expected only when they lie wholly inside ONE scope interval (SPEC §5.2), so a
 * caller should cut a new interval only where the assignment or the frequency changes. A
 * definition version that changes neither (a new title, a new tolerableDeviationRate) must
 * not split an interval: the slot straddling that cut would silently stop being expected.
 */
export interface ScopeInterval {
  from: Instant;
  to: Instant;
  frequency: Frequency;
}

/**
 * The scope intervals sorted by `from`, with empty ones dropped. Throws a RangeError when two
 * intervals overlap: an instant in scope twice would be counted twice.
 */
export function orderedScopes(scopes: readonly ScopeInterval[]): ScopeInterval[] {
  const ordered = scopes.filter((scope) => scope.from < scope.to).sort((a, b) => a.from - b.from);
  for (let i = 1; i < ordered.length; i++) {
    const previous = ordered[i - 1];
    const current = ordered[i];
    if (current.from < previous.to) {
      throw new RangeError(
        `scope intervals overlap: [${previous.from}, ${previous.to}) and [${current.from}, ${current.to})`,
      );
    }
  }
  return ordered;
}

/**
 * The in-scope parts of `interval`: each scope interval clipped to it, empty parts dropped,
 * in time order.
 */
export function scopePartsWithin(
  scopes: readonly ScopeInterval[],
  interval: Interval,
): ScopeInterval[] {
  return orderedScopes(scopes)
    .map((scope) => ({ ...intersectIntervals(scope, interval), frequency: scope.frequency }))
    .filter((part) => part.from < part.to);
}

/** How many milliseconds of `interval` are in scope. */
export function inScopeDuration(scopes: readonly ScopeInterval[], interval: Interval): number {
  return scopePartsWithin(scopes, interval).reduce((sum, part) => sum + intervalLength(part), 0);
}
