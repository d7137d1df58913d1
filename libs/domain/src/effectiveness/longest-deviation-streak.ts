import type { SlotStatus } from './slot-status';

/**
 * `longestDeviationStreak` (SPEC §5.6): the most consecutive expected slots that are `failed`
 * or `missed`, over the statuses in slot order.
 *
 * `not_applicable` slots are removed from the sequence first (SPEC §5.3: excluded from
 * everything below), so they neither count nor break a streak. Consecutive means consecutive
 * in the sequence of expected slots: a stretch out of scope has no expected slots and so does
 * not break a streak either, and a frequency change mid-window does not restart it.
 */
export function longestDeviationStreak(statuses: readonly SlotStatus[]): number {
  let longest = 0;
  let current = 0;
  for (const status of statuses) {
    if (status === 'not_applicable') continue;
    if (status === 'passed') {
      current = 0;
    } else {
      current++;
      longest = Math.max(longest, current);
    }
  }
  return longest;
}
