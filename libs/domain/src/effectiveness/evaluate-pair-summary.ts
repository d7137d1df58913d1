import { orderedScopes, inScopeDuration, type ScopeInterval } from '../scope/scope-interval';
import type { Frequency } from '../slots/frequency';
import { nextSlotStart, slotStartAt } from '../slots/slot-start-at';
import { assertFiniteInterval, DAY_MS, HOUR_MS, type Instant } from '../time/instant';
import type { OccurrenceCounts } from './expected-occurrences';
import type { PairEffectiveness, PairEvaluationInput } from './pair-effectiveness';
import { pairEffectivenessOf } from './pair-effectiveness-of';
import { durationMicroseconds } from './mttr-seconds';
import type { ResultCounts } from './result-counts';
import { LATE_FLAG, OUTCOME_CODES, toResultColumns, type ResultColumns } from './result-point';
import { complianceTimeOfColumns } from './time-in-compliance';

const PASS = OUTCOME_CODES.pass;
const NOT_APPLICABLE = OUTCOME_CODES.not_applicable;

/** The length of every slot of a fixed-length frequency; 0 for calendar ones. */
function fixedSlotMs(frequency: Frequency): number {
  switch (frequency) {
    case 'hourly':
      return HOUR_MS;
    case 'daily':
      return DAY_MS;
    case 'weekly':
      return 7 * DAY_MS;
    case 'monthly':
    case 'quarterly':
    case 'annually':
      return 0;
  }
}

/** Slot counts and the longest deviation streak, gathered in one pass. */
interface SlotTally extends OccurrenceCounts {
  longestDeviationStreak: number;
}

/**
 * Walks the expected slots (SPEC §5.2) in order, merging them with the sorted results: the
 * status of each slot (§5.3) is counted (§5.4) and fed to the streak (§5.6) at once, without
 * building a slot object or copying the slot's results. Fixed-length slots are stepped by
 * addition, exactly as `slotsWithin` steps them.
 */
function tallySlots(parts: readonly ScopeInterval[], results: ResultColumns): SlotTally {
  const { times, codes } = results;
  let passed = 0;
  let failed = 0;
  let missed = 0;
  let notApplicable = 0;
  let current = 0;
  let longest = 0;
  const n = results.length;
  let i = 0;
  for (const part of parts) {
    const frequency = part.frequency;
    const length = fixedSlotMs(frequency);
    let start = slotStartAt(frequency, part.from);
    if (start < part.from) start = length > 0 ? start + length : nextSlotStart(frequency, start);
    for (;;) {
      const end = length > 0 ? start + length : nextSlotStart(frequency, start);
      if (end > part.to) break;
      while (i < n && times[i] < start) i++;
      let anyFailed = false;
      let anyPassed = false;
      let anyNotApplicable = false;
      while (i < n && times[i] < end) {
        const outcome = codes[i] & 3;
        if (outcome === PASS) anyPassed = true;
        else if (outcome === NOT_APPLICABLE) anyNotApplicable = true;
        else anyFailed = true;
        i++;
      }
      if (anyFailed) {
        failed++;
        if (++current > longest) longest = current;
      } else if (anyPassed) {
        passed++;
        current = 0;
      } else if (anyNotApplicable) {
        notApplicable++;
      } else {
        missed++;
        if (++current > longest) longest = current;
      }
      start = end;
    }
  }
  return {
    expectedOccurrences: passed + failed + missed,
    passedOccurrences: passed,
    failedOccurrences: failed,
    missedOccurrences: missed,
    notApplicableOccurrences: notApplicable,
    longestDeviationStreak: longest,
  };
}

/** Episode figures (§5.7) and result counts (§5.9), gathered in one pass. */
interface ResultTally {
  remediatedEpisodes: number;
  openEpisodes: number;
  remediatedMicroseconds: number;
  resultCounts: ResultCounts;
  lateResults: number;
}

/**
 * One pass over the sorted results: the failure episodes starting in `[from, asOf)` exactly as
 * `failureEpisodes` finds them (durations summed in whole microseconds, as `mttrSeconds` sums them), and the counts of
 * `resultCounts` and `lateResults` over `[from, to)`.
 */
function tallyResults(
  results: ResultColumns,
  window: { from: Instant; to: Instant },
  asOf: Instant,
): ResultTally {
  const { times, codes } = results;
  // Indexed by outcome code: pass, fail, error, not_applicable.
  const perOutcome = [0, 0, 0, 0];
  let late = 0;
  let previousWasPass: boolean | null = null;
  let open = false;
  let openStart = 0;
  let openCounted = false;
  let remediated = 0;
  let stillOpen = 0;
  let total = 0;
  const { from, to } = window;
  for (let k = 0; k < results.length; k++) {
    const time = times[k];
    const code = codes[k];
    const outcome = code & 3;
    if (time >= from && time < to) {
      perOutcome[outcome]++;
      if (code >= LATE_FLAG) late++;
    }
    // Sorted: once past asOf, every later result is too (failureEpisodes stops there).
    if (time > asOf || outcome === NOT_APPLICABLE) continue;
    if (outcome === PASS) {
      if (open && openCounted) {
        remediated++;
        total += durationMicroseconds(openStart, time);
      }
      open = false;
      previousWasPass = true;
    } else {
      if (previousWasPass !== false) {
        open = true;
        openStart = time;
        openCounted = time >= from && time < asOf;
      }
      previousWasPass = false;
    }
  }
  const counts: ResultCounts = {
    pass: perOutcome[OUTCOME_CODES.pass],
    fail: perOutcome[OUTCOME_CODES.fail],
    error: perOutcome[OUTCOME_CODES.error],
    notApplicable: perOutcome[NOT_APPLICABLE],
  };
  if (open && openCounted) stillOpen++;
  return {
    remediatedEpisodes: remediated,
    openEpisodes: stillOpen,
    remediatedMicroseconds: total,
    resultCounts: counts,
    lateResults: late,
  };
}

/**
 * `evaluatePair(input).effectiveness`, equal field by field, without the slots: for rollups
 * (service, criterion, fleet, snapshots) that never read them. The same SPEC §5 rules, but
 * computed in a few linear passes (slots merged with the results, one pass for episodes and
 * counts, one for time in compliance) with no per-slot object, id list or evidence list.
 * A property test holds it equal to `evaluatePair` on generated inputs.
 *
 * @throws RangeError when the window is unbounded or inverted, `asOf` is not finite, or scope
 *   intervals overlap (as `evaluatePair` does).
 */
export function evaluatePairSummary(input: PairEvaluationInput): PairEffectiveness {
  return evaluatePairSummaryOfColumns({ ...input, results: toResultColumns(input.results) });
}

/**
 * {@link evaluatePairSummary} over results as columns (ordered by time, ties in ingestion
 * order): the rollup path reads a year of a service (200,000 results) without an object each.
 */
export function evaluatePairSummaryOfColumns(
  input: Omit<PairEvaluationInput, 'results'> & { results: ResultColumns },
): PairEffectiveness {
  const { window, scopes, results } = input;
  assertFiniteInterval(window, 'window');
  const asOf = Math.min(input.asOf, window.to);
  if (!Number.isFinite(asOf)) {
    throw new RangeError(`compliance range must be finite, got [${window.from}, ${asOf})`);
  }
  const ordered = orderedScopes(scopes);
  const dueTo = Math.min(window.to, asOf);
  const dueParts: ScopeInterval[] = [];
  if (window.from < dueTo) {
    for (const scope of ordered) {
      const from = Math.max(scope.from, window.from);
      const to = Math.min(scope.to, dueTo);
      if (from < to) dueParts.push({ from, to, frequency: scope.frequency });
    }
  }
  const slots = tallySlots(dueParts, results);
  const tally = tallyResults(results, window, asOf);
  const compliance = complianceTimeOfColumns(results, {
    scopes: ordered,
    from: window.from,
    asOf,
  });
  return pairEffectivenessOf({
    occurrences: slots, // a SlotTally is the occurrence counts and the streak
    longestDeviationStreak: slots.longestDeviationStreak,
    remediatedEpisodes: tally.remediatedEpisodes,
    openEpisodes: tally.openEpisodes,
    remediatedMicroseconds: tally.remediatedMicroseconds,
    compliance,
    resultCounts: tally.resultCounts,
    lateResults: tally.lateResults,
    inScopeMs: inScopeDuration(ordered, window),
    tolerableDeviationRate: input.tolerableDeviationRate,
  });
}
