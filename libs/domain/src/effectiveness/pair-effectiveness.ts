import type { ScopeInterval } from '../scope/scope-interval';
import type { Frequency } from '../slots/frequency';
import type { Instant, Interval } from '../time/instant';
import type { ResultCounts } from './result-counts';
import type { ResultPoint } from './result-point';
import type { SlotStatus } from './slot-status';
import type { Verdict } from './verdict';

/** Everything SPEC §5 needs to evaluate one (service, control) pair over a window. */
export interface PairEvaluationInput {
  /** Assignment intervals of the pair split by control-definition versions; sorted, non-overlapping. */
  scopes: ScopeInterval[];
  tolerableDeviationRate: number;
  window: Interval;
  /** `min(window.to, now)`, computed by the caller; a later value is clamped to `window.to`. */
  asOf: Instant;
  /**
   * Sorted by time (ties in ingestion order). Every result with time in `[window.from,
   * window.to)`, plus the latest result before `window.from` and the latest
   * non-`not_applicable` result before `window.from` (context for §5.7 and §5.8). Extra
   * earlier results are allowed and change nothing.
   */
  results: readonly ResultPoint[];
}

/** One expected slot with its status and evidence: a row of the auditor's occurrences export. */
export interface SlotEvaluation {
  start: Instant;
  end: Instant;
  frequency: Frequency;
  status: SlotStatus;
  /** Ids of the results whose time falls in the slot, in time order. */
  resultIds: string[];
  /** Distinct evidence URIs of those results, in time order. */
  evidenceUris: string[];
}

/** The operating effectiveness of one pair over a window (SPEC §5). */
export interface PairEffectiveness {
  expectedOccurrences: number;
  passedOccurrences: number;
  failedOccurrences: number;
  missedOccurrences: number;
  notApplicableOccurrences: number;
  deviations: number;
  deviationRate: number | null;
  coverage: number | null;
  longestDeviationStreak: number;
  remediatedEpisodes: number;
  openEpisodes: number;
  mttrSeconds: number | null;
  /**
   * The remediated episodes' total duration in whole microseconds: `mttrSeconds` is it divided
   * by the episodes once, and rollups divide the sum of it by the sum of the episodes, so their
   * mean is exact too (a mean times a count is not). Not an API field.
   */
  remediatedMicroseconds: number;
  /** Null when no time is considered (the denominator is 0). */
  timeInCompliance: number | null;
  resultCounts: ResultCounts;
  lateResults: number;
  verdict: Verdict;
  meetsMinimumPeriod: boolean;
  /** Seconds of `[from, to)` in scope. */
  inScopeSeconds: number;
  /** Numerator and denominator of `timeInCompliance`, in seconds, so rollups can weight it. */
  complianceSeconds: { compliant: number; considered: number };
}
