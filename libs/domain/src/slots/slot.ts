import type { Instant } from '../time/instant';

/** One slot of a frequency: the half-open interval `[start, end)` in which the control is due once. */
export interface Slot {
  start: Instant;
  end: Instant;
}
