import type { Instant } from '../time/instant';
import { byTime, isFailing, type ResultPoint } from './result-point';

/** A failure episode (SPEC §5.7): from its first failing result to the pass that ended it. */
export interface FailureEpisode {
  /** Time of the `fail` or `error` result that opened the episode. */
  start: Instant;
  /** Time of the `pass` that ended it, or null while it is still open at `asOf`. */
  end: Instant | null;
}

/**
 * The failure episodes starting in `[from, asOf)` (SPEC §5.7), in order.
 *
 * By result time, ignoring slots and `not_applicable` results: an episode starts at a `fail`
 * or `error` whose predecessor is a `pass`, or that has no predecessor at all (so `results`
 * must include the latest non-`not_applicable` result before `from`: it decides whether a
 * failure at the start of the window opens an episode or continues an older one). It ends at
 * the next `pass`. Results with the same time are taken in the given order.
 *
 * "Ended by asOf" is read as inclusive: a `pass` at exactly `asOf` ends the episode; one
 * after `asOf` has not happened yet as far as this evaluation knows, so `end` is null. An
 * episode must start strictly before `asOf` to count, like every other window bound.
 */
export function failureEpisodes(
  results: readonly Pick<ResultPoint, 'time' | 'outcome'>[],
  range: { from: Instant; asOf: Instant },
): FailureEpisode[] {
  const episodes: FailureEpisode[] = [];
  let previousWasPass: boolean | null = null;
  let open: { start: Instant; counted: boolean } | null = null;
  for (const result of byTime(results)) {
    if (result.time > range.asOf) break;
    if (result.outcome === 'not_applicable') continue;
    if (isFailing(result.outcome)) {
      if (previousWasPass !== false) {
        open = {
          start: result.time,
          counted: result.time >= range.from && result.time < range.asOf,
        };
      }
      previousWasPass = false;
    } else {
      if (open?.counted) episodes.push({ start: open.start, end: result.time });
      open = null;
      previousWasPass = true;
    }
  }
  if (open?.counted) episodes.push({ start: open.start, end: null });
  return episodes;
}

/** `remediatedEpisodes` (SPEC §5.7): episodes ended by `asOf`. */
export function remediatedEpisodes(episodes: readonly FailureEpisode[]): number {
  return episodes.filter((episode) => episode.end !== null).length;
}

/** `openEpisodes` (SPEC §5.7): episodes still open at `asOf`. */
export function openEpisodes(episodes: readonly FailureEpisode[]): number {
  return episodes.filter((episode) => episode.end === null).length;
}
