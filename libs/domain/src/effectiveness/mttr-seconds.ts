import type { FailureEpisode } from './failure-episodes';

/**
 * `mttrSeconds` (SPEC §5.7): the mean duration, in seconds, of the remediated episodes (end
 * minus start), at full precision (not rounded); null when none was remediated.
 */
export function mttrSeconds(episodes: readonly FailureEpisode[]): number | null {
  let total = 0;
  let remediated = 0;
  for (const episode of episodes) {
    if (episode.end === null) continue;
    total += episode.end - episode.start;
    remediated++;
  }
  return remediated === 0 ? null : total / remediated / 1000;
}
