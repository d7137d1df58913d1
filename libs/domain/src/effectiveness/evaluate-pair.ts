import { expectedSlots } from '../scope/expected-slots';
import { inScopeDuration } from '../scope/scope-interval';
import { assertFiniteInterval } from '../time/instant';
import { countOccurrences } from './expected-occurrences';
import { failureEpisodes, openEpisodes, remediatedEpisodes } from './failure-episodes';
import { longestDeviationStreak } from './longest-deviation-streak';
import { remediatedMicroseconds } from './mttr-seconds';
import type { PairEffectiveness, PairEvaluationInput, SlotEvaluation } from './pair-effectiveness';
import { pairEffectivenessOf } from './pair-effectiveness-of';
import { lateResults, resultCounts } from './result-counts';
import { byTime, type ResultPoint } from './result-point';
import { slotStatus } from './slot-status';
import { complianceTime } from './time-in-compliance';

function evidenceUris(results: readonly ResultPoint[]): string[] {
  const uris = new Set<string>();
  for (const result of results) {
    if (result.evidenceUri) uris.add(result.evidenceUri);
  }
  return [...uris];
}

/**
 * Evaluates one (service, control) pair over a window (SPEC §5, every rule): the expected
 * slots with their status and evidence, and the pair's effectiveness.
 *
 * `asOf` later than `window.to` is clamped to it (SPEC: `asOf = min(to, now)`). Results are
 * ordered by time here if they are not already (ties keep their given order).
 *
 * @throws RangeError when the window is unbounded or inverted, or scope intervals overlap.
 */
export function evaluatePair(input: PairEvaluationInput): {
  effectiveness: PairEffectiveness;
  slots: SlotEvaluation[];
} {
  const { window, scopes } = input;
  assertFiniteInterval(window, 'window');
  const asOf = Math.min(input.asOf, window.to);
  const results = byTime(input.results);

  const expected = expectedSlots({ scopes, window, asOf });
  const slots: SlotEvaluation[] = new Array<SlotEvaluation>(expected.length);
  // Slots are ordered and disjoint, so one forward pass over the sorted results finds each
  // slot's results (the same range as two binary searches per slot).
  let first = 0;
  for (let k = 0; k < expected.length; k++) {
    const slot = expected[k];
    while (first < results.length && results[first].time < slot.start) first++;
    let end = first;
    while (end < results.length && results[end].time < slot.end) end++;
    const inSlot = results.slice(first, end);
    slots[k] = {
      start: slot.start,
      end: slot.end,
      frequency: slot.frequency,
      status: slotStatus(inSlot),
      resultIds: inSlot.map((result) => result.id),
      evidenceUris: evidenceUris(inSlot),
    };
    first = end;
  }
  const statuses = slots.map((slot) => slot.status);
  const occurrences = countOccurrences(statuses);
  const episodes = failureEpisodes(results, { from: window.from, asOf });
  const compliance = complianceTime(results, { scopes, from: window.from, asOf });
  const inScopeMs = inScopeDuration(scopes, window);

  const effectiveness = pairEffectivenessOf({
    occurrences,
    longestDeviationStreak: longestDeviationStreak(statuses),
    remediatedEpisodes: remediatedEpisodes(episodes),
    openEpisodes: openEpisodes(episodes),
    remediatedMicroseconds: remediatedMicroseconds(episodes),
    compliance,
    resultCounts: resultCounts(results, window),
    lateResults: lateResults(results, window),
    inScopeMs,
    tolerableDeviationRate: input.tolerableDeviationRate,
  });
  return { effectiveness, slots };
}
