import type { Instant } from './instant';

// Binary searches over items ordered by time; internal, not re-exported by index.ts.

/** Index of the first result whose time is `>= t` in results ordered by time. */
export function firstAtOrAfter(results: readonly { time: Instant }[], t: Instant): number {
  let low = 0;
  let high = results.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (results[mid].time < t) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index of the first result whose time is `> t` in results ordered by time. */
export function firstAfter(results: readonly { time: Instant }[], t: Instant): number {
  let low = 0;
  let high = results.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (results[mid].time <= t) low = mid + 1;
    else high = mid;
  }
  return low;
}
