import type { Instant } from '../time/instant';
import type { FailureEpisode } from './failure-episodes';

/**
 * Whole microseconds from `start` to `end`. Instants are milliseconds that carry PostgreSQL's
 * microseconds as a fraction; each is rounded back to its microsecond (exact until the year
 * 2255), so durations sum exactly, in any grouping, where fractional milliseconds would round
 * at every addition.
 */
export function durationMicroseconds(start: Instant, end: Instant): number {
  return Math.round(end * 1000) - Math.round(start * 1000);
}

/** The total duration of the remediated episodes, in whole microseconds. */
export function remediatedMicroseconds(episodes: readonly FailureEpisode[]): number {
  let total = 0;
  for (const episode of episodes) {
    if (episode.end !== null) total += durationMicroseconds(episode.start, episode.end);
  }
  return total;
}

/**
 * The mean of `remediated` durations summing to `totalMicroseconds`, in seconds: one division
 * of two exact integers, so the correctly rounded mean (`49 s / 3` is 16.333333333333332, not
 * the 16.333333333333336 of dividing by the count and then by 1000); null when none.
 */
export function mttrSecondsOf(totalMicroseconds: number, remediated: number): number | null {
  return remediated === 0 ? null : totalMicroseconds / (remediated * 1_000_000);
}

/**
 * `mttrSeconds` (SPEC §5.7): the mean duration, in seconds, of the remediated episodes (end
 * minus start), at full precision (not rounded); null when none was remediated.
 */
export function mttrSeconds(episodes: readonly FailureEpisode[]): number | null {
  let remediated = 0;
  for (const episode of episodes) if (episode.end !== null) remediated++;
  return mttrSecondsOf(remediatedMicroseconds(episodes), remediated);
}
