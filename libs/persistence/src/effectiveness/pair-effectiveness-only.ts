import {
  byTime,
  complianceRatio,
  complianceTime,
  countOccurrences,
  coverage,
  deviationRate,
  deviations,
  expectedSlots,
  failureEpisodes,
  inScopeDuration,
  lateResults,
  longestDeviationStreak,
  meetsMinimumPeriod,
  mttrSeconds,
  openEpisodes,
  remediatedEpisodes,
  resultCounts,
  slotStatus,
  verdict,
  type PairEffectiveness,
  type PairEvaluationInput,
  type SlotStatus,
} from '@vigil/domain';

/**
 * `evaluatePair(input).effectiveness` without building the per-slot evidence (result ids,
 * evidence URIs, one object per slot) that rollups never read: the same rule functions of
 * the engine, composed the same way, with the results of each slot found by one linear pass
 * over the (sorted) results instead of two binary searches and a copy per slot. The query
 * path's property test compares it with `evaluatePair` on random data.
 */
export function pairEffectivenessOnly(input: PairEvaluationInput): PairEffectiveness {
  const { window, scopes } = input;
  const asOf = Math.min(input.asOf, window.to);
  const results = byTime(input.results);
  const slots = expectedSlots({ scopes, window, asOf });
  const statuses: SlotStatus[] = new Array<SlotStatus>(slots.length);
  let first = 0;
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k];
    while (first < results.length && results[first].time < slot.start) first++;
    let end = first;
    while (end < results.length && results[end].time < slot.end) end++;
    statuses[k] = slotStatus(end - first === 1 ? [results[first]] : results.slice(first, end));
    // Slots are ordered and disjoint: the next one starts at or after this one's end.
    first = end;
  }
  const occurrences = countOccurrences(statuses);
  const episodes = failureEpisodes(results, { from: window.from, asOf });
  const compliance = complianceTime(results, { scopes, from: window.from, asOf });
  return {
    ...occurrences,
    deviations: deviations(occurrences),
    deviationRate: deviationRate(occurrences),
    coverage: coverage(occurrences),
    longestDeviationStreak: longestDeviationStreak(statuses),
    remediatedEpisodes: remediatedEpisodes(episodes),
    openEpisodes: openEpisodes(episodes),
    mttrSeconds: mttrSeconds(episodes),
    timeInCompliance: complianceRatio(compliance),
    resultCounts: resultCounts(results, window),
    lateResults: lateResults(results, window),
    verdict: verdict(occurrences, input.tolerableDeviationRate),
    meetsMinimumPeriod: meetsMinimumPeriod({ scopes, window }),
    inScopeSeconds: inScopeDuration(scopes, window) / 1000,
    complianceSeconds: {
      compliant: compliance.compliant / 1000,
      considered: compliance.considered / 1000,
    },
  };
}
