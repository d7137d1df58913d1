/**
 * The tables of an auditor export (SPEC §7), their columns in order, and how their values are
 * written. Column order is part of the contract: `vigil verify` and auditors' scripts read
 * columns by these names.
 */
export type ExportTable = 'summary' | 'occurrences' | 'results';

export const EXPORT_TABLES: readonly ExportTable[] = ['summary', 'occurrences', 'results'];

/**
 * One row per (service, control), ordered by service then control: every field of SPEC §5,
 * the control's title, criteria (`;`-separated) and frequency, and the evaluated window.
 */
export const SUMMARY_COLUMNS = [
  'service',
  'control',
  'title',
  'criteria',
  'frequency',
  'tolerableDeviationRate',
  'windowFrom',
  'windowTo',
  'asOf',
  'expectedOccurrences',
  'passedOccurrences',
  'failedOccurrences',
  'missedOccurrences',
  'notApplicableOccurrences',
  'deviations',
  'deviationRate',
  'coverage',
  'longestDeviationStreak',
  'remediatedEpisodes',
  'openEpisodes',
  'mttrSeconds',
  'timeInCompliance',
  'resultsPass',
  'resultsFail',
  'resultsError',
  'resultsNotApplicable',
  'lateResults',
  'verdict',
  'meetsMinimumPeriod',
  'inScopeSeconds',
] as const;

/**
 * One row per expected slot, ordered by service, control, then slot start. `resultIds` (the
 * results' CloudEvent ids) and
 * `evidenceUris` are space-separated lists in time order (evidence URIs distinct).
 */
export const OCCURRENCE_COLUMNS = [
  'service',
  'control',
  'slotStart',
  'slotEnd',
  'frequency',
  'status',
  'resultIds',
  'evidenceUris',
] as const;

/**
 * Every stored result with `time` in `[from, to)`, every column of the `results` table,
 * ordered by service, control, time, then ingestion sequence. Times are RFC 3339 UTC, with
 * fractional seconds only when non-zero (up to PostgreSQL's microseconds, never rounded);
 * `evidence`, `test` and `details` are JSON text.
 */
export const RESULT_COLUMNS = [
  'seq',
  'source',
  'eventId',
  'service',
  'control',
  'outcome',
  'time',
  'receivedAt',
  'late',
  'evidence',
  'test',
  'details',
  'eventSha256',
  'kafkaTopic',
  'kafkaPartition',
  'kafkaOffset',
] as const;

export type SummaryColumn = (typeof SUMMARY_COLUMNS)[number];
export type OccurrenceColumn = (typeof OCCURRENCE_COLUMNS)[number];
export type ResultColumn = (typeof RESULT_COLUMNS)[number];

export const TABLE_COLUMNS: Record<ExportTable, readonly string[]> = {
  summary: SUMMARY_COLUMNS,
  occurrences: OCCURRENCE_COLUMNS,
  results: RESULT_COLUMNS,
};

/** Separator of multi-valued cells: criteria use `;`, id and URI lists use a space. */
export const CRITERIA_SEPARATOR = ';';
export const LIST_SEPARATOR = ' ';
