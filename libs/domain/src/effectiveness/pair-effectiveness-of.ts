import { coverage } from './coverage';
import { deviationRate, deviations } from './deviation-rate';
import type { OccurrenceCounts } from './expected-occurrences';
import { spansMinimumPeriod } from './meets-minimum-period';
import type { PairEffectiveness } from './pair-effectiveness';
import type { ResultCounts } from './result-counts';
import { complianceRatio, type ComplianceTime } from './time-in-compliance';
import { verdict } from './verdict';
import { mttrSecondsOf } from './mttr-seconds';

/** What a pair's evaluation measured; the rest of its effectiveness derives from it. */
export interface PairMeasures {
  occurrences: OccurrenceCounts;
  longestDeviationStreak: number;
  remediatedEpisodes: number;
  openEpisodes: number;
  /** Total duration of the remediated episodes, whole microseconds. */
  remediatedMicroseconds: number;
  /** Milliseconds, as `complianceTime` measures them. */
  compliance: ComplianceTime;
  resultCounts: ResultCounts;
  lateResults: number;
  /** Milliseconds of the window in scope. */
  inScopeMs: number;
  tolerableDeviationRate: number;
}

/**
 * A pair's effectiveness (SPEC §5) from what `evaluatePair` or `evaluatePairSummaryOfColumns`
 * measured. The fields are listed, not spread: V8 builds a literal that spreads five fields and
 * adds seventeen as a slow dictionary object (~14 µs each, measured), which a fleet pays 10,000
 * times per answer.
 */
export function pairEffectivenessOf(m: PairMeasures): PairEffectiveness {
  const o = m.occurrences;
  return {
    expectedOccurrences: o.expectedOccurrences,
    passedOccurrences: o.passedOccurrences,
    failedOccurrences: o.failedOccurrences,
    missedOccurrences: o.missedOccurrences,
    notApplicableOccurrences: o.notApplicableOccurrences,
    deviations: deviations(o),
    deviationRate: deviationRate(o),
    coverage: coverage(o),
    longestDeviationStreak: m.longestDeviationStreak,
    remediatedEpisodes: m.remediatedEpisodes,
    openEpisodes: m.openEpisodes,
    mttrSeconds: mttrSecondsOf(m.remediatedMicroseconds, m.remediatedEpisodes),
    remediatedMicroseconds: m.remediatedMicroseconds,
    timeInCompliance: complianceRatio(m.compliance),
    resultCounts: m.resultCounts,
    lateResults: m.lateResults,
    verdict: verdict(o, m.tolerableDeviationRate),
    meetsMinimumPeriod: spansMinimumPeriod(m.inScopeMs),
    inScopeSeconds: m.inScopeMs / 1000,
    complianceSeconds: {
      compliant: m.compliance.compliant / 1000,
      considered: m.compliance.considered / 1000,
    },
  };
}
