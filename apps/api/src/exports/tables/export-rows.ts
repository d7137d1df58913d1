import type { PairEvaluation } from '@vigil/persistence';
import type { SlotEvaluation } from '@vigil/domain';
import { CRITERIA_SEPARATOR, LIST_SEPARATOR, type SummaryColumn } from '@vigil/contracts';

type Cell = string | number | boolean | null;

/**
 * One summary row (SUMMARY_COLUMNS order): the engine's numbers as they are, unrounded
 * (`String(n)` is the shortest text that reads back to the same double); null stays empty.
 */
export function summaryValues(pair: PairEvaluation): Record<SummaryColumn, Cell> {
  const e = pair.effectiveness;
  return {
    service: pair.serviceId,
    control: pair.controlId,
    title: pair.control.title,
    criteria: pair.control.criteria.join(CRITERIA_SEPARATOR),
    frequency: pair.control.frequency,
    tolerableDeviationRate: pair.control.tolerableDeviationRate,
    windowFrom: pair.window.from.toISOString(),
    windowTo: pair.window.to.toISOString(),
    asOf: pair.asOf.toISOString(),
    expectedOccurrences: e.expectedOccurrences,
    passedOccurrences: e.passedOccurrences,
    failedOccurrences: e.failedOccurrences,
    missedOccurrences: e.missedOccurrences,
    notApplicableOccurrences: e.notApplicableOccurrences,
    deviations: e.deviations,
    deviationRate: e.deviationRate,
    coverage: e.coverage,
    longestDeviationStreak: e.longestDeviationStreak,
    remediatedEpisodes: e.remediatedEpisodes,
    openEpisodes: e.openEpisodes,
    mttrSeconds: e.mttrSeconds,
    timeInCompliance: e.timeInCompliance,
    resultsPass: e.resultCounts.pass,
    resultsFail: e.resultCounts.fail,
    resultsError: e.resultCounts.error,
    resultsNotApplicable: e.resultCounts.notApplicable,
    lateResults: e.lateResults,
    verdict: e.verdict,
    meetsMinimumPeriod: e.meetsMinimumPeriod,
    inScopeSeconds: e.inScopeSeconds,
  };
}

/** The summary as a JSON object: criteria as a list, result counts nested as in the API. */
export function summaryJson(pair: PairEvaluation): Record<string, unknown> {
  const e = pair.effectiveness;
  return {
    service: pair.serviceId,
    control: pair.controlId,
    title: pair.control.title,
    criteria: pair.control.criteria,
    frequency: pair.control.frequency,
    tolerableDeviationRate: pair.control.tolerableDeviationRate,
    window: { from: pair.window.from.toISOString(), to: pair.window.to.toISOString() },
    asOf: pair.asOf.toISOString(),
    expectedOccurrences: e.expectedOccurrences,
    passedOccurrences: e.passedOccurrences,
    failedOccurrences: e.failedOccurrences,
    missedOccurrences: e.missedOccurrences,
    notApplicableOccurrences: e.notApplicableOccurrences,
    deviations: e.deviations,
    deviationRate: e.deviationRate,
    coverage: e.coverage,
    longestDeviationStreak: e.longestDeviationStreak,
    remediatedEpisodes: e.remediatedEpisodes,
    openEpisodes: e.openEpisodes,
    mttrSeconds: e.mttrSeconds,
    timeInCompliance: e.timeInCompliance,
    resultCounts: { ...e.resultCounts },
    lateResults: e.lateResults,
    verdict: e.verdict,
    meetsMinimumPeriod: e.meetsMinimumPeriod,
    inScopeSeconds: e.inScopeSeconds,
  };
}

/** One occurrences row (OCCURRENCE_COLUMNS order). */
export function occurrenceValues(pair: PairEvaluation, slot: SlotEvaluation): Cell[] {
  return [
    pair.serviceId,
    pair.controlId,
    new Date(slot.start).toISOString(),
    new Date(slot.end).toISOString(),
    slot.frequency,
    slot.status,
    slot.resultIds.join(LIST_SEPARATOR),
    slot.evidenceUris.join(LIST_SEPARATOR),
  ];
}

export function occurrenceJson(
  pair: PairEvaluation,
  slot: SlotEvaluation,
): Record<string, unknown> {
  return {
    service: pair.serviceId,
    control: pair.controlId,
    slotStart: new Date(slot.start).toISOString(),
    slotEnd: new Date(slot.end).toISOString(),
    frequency: slot.frequency,
    status: slot.status,
    resultIds: slot.resultIds,
    evidenceUris: slot.evidenceUris,
  };
}
