import { OCCURRENCE_COLUMNS, RESULT_COLUMNS, SUMMARY_COLUMNS } from './export-tables';

interface PairTally {
  passed: number;
  failed: number;
  missed: number;
  notApplicable: number;
  pass: number;
  fail: number;
  error: number;
  resultNotApplicable: number;
  late: number;
}

const SUMMARY_CHECKS: ReadonlyArray<[(typeof SUMMARY_COLUMNS)[number], keyof PairTally, string]> = [
  ['passedOccurrences', 'passed', 'passed occurrences'],
  ['failedOccurrences', 'failed', 'failed occurrences'],
  ['missedOccurrences', 'missed', 'missed occurrences'],
  ['notApplicableOccurrences', 'notApplicable', 'not_applicable occurrences'],
  ['resultsPass', 'pass', 'pass results'],
  ['resultsFail', 'fail', 'fail results'],
  ['resultsError', 'error', 'error results'],
  ['resultsNotApplicable', 'resultNotApplicable', 'not_applicable results'],
  ['lateResults', 'late', 'late results'],
];

function emptyTally(): PairTally {
  return {
    passed: 0,
    failed: 0,
    missed: 0,
    notApplicable: 0,
    pass: 0,
    fail: 0,
    error: 0,
    resultNotApplicable: 0,
    late: 0,
  };
}

/** Maps a header row to column positions, naming the columns it lacks. */
export function columnIndex<C extends string>(
  header: readonly string[],
  columns: readonly C[],
  file: string,
): Record<C, number> {
  const index = {} as Record<C, number>;
  const missing: string[] = [];
  for (const column of columns) {
    const i = header.indexOf(column);
    if (i < 0) missing.push(column);
    index[column] = i;
  }
  if (missing.length) throw new Error(`${file}: header lacks ${missing.join(', ')}`);
  return index;
}

/**
 * The cross-checks of a bundle (SPEC §7) that `vigil verify` runs offline: per (service,
 * control), the summary's occurrence counts equal the occurrences table's, its result counts
 * equal the results table's, and its own numbers add up (expected = passed + failed + missed,
 * deviations = failed + missed). Feed rows as they are read; memory grows with pairs, not rows.
 * Results of pairs the summary does not list (unmapped or out-of-scope pairs, which SPEC §3
 * stores) are part of the population and are not a mismatch.
 */
export class BundleConsistency {
  private readonly summary = new Map<string, Record<string, string>>();
  private readonly tallies = new Map<string, PairTally>();
  private readonly problems: string[] = [];

  addSummary(row: Record<(typeof SUMMARY_COLUMNS)[number], string>): void {
    const key = pairKey(row.service, row.control);
    if (this.summary.has(key))
      this.problems.push(`summary.csv: pair ${describe(key)} appears twice`);
    this.summary.set(key, row);
    const n = (c: (typeof SUMMARY_COLUMNS)[number]) => Number(row[c]);
    if (
      n('expectedOccurrences') !==
      n('passedOccurrences') + n('failedOccurrences') + n('missedOccurrences')
    ) {
      this.problems.push(
        `summary.csv: ${describe(key)} expectedOccurrences is not passed + failed + missed`,
      );
    }
    if (n('deviations') !== n('failedOccurrences') + n('missedOccurrences')) {
      this.problems.push(`summary.csv: ${describe(key)} deviations is not failed + missed`);
    }
  }

  addOccurrence(row: Record<(typeof OCCURRENCE_COLUMNS)[number], string>): void {
    const tally = this.tally(pairKey(row.service, row.control));
    switch (row.status) {
      case 'passed':
        tally.passed++;
        break;
      case 'failed':
        tally.failed++;
        break;
      case 'missed':
        tally.missed++;
        break;
      case 'not_applicable':
        tally.notApplicable++;
        break;
      default:
        this.problems.push(`occurrences.csv: unknown status "${row.status}"`);
    }
  }

  addResult(row: Record<(typeof RESULT_COLUMNS)[number], string>): void {
    const tally = this.tally(pairKey(row.service, row.control));
    switch (row.outcome) {
      case 'pass':
        tally.pass++;
        break;
      case 'fail':
        tally.fail++;
        break;
      case 'error':
        tally.error++;
        break;
      case 'not_applicable':
        tally.resultNotApplicable++;
        break;
      default:
        this.problems.push(`results.csv: unknown outcome "${row.outcome}"`);
    }
    if (row.late === 'true') tally.late++;
  }

  /** Every disagreement found, in a stable order; empty when the tables agree. */
  mismatches(): string[] {
    const found = [...this.problems];
    for (const [key, row] of [...this.summary].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const tally = this.tallies.get(key) ?? emptyTally();
      for (const [column, field, label] of SUMMARY_CHECKS) {
        if (Number(row[column]) !== tally[field]) {
          found.push(
            `${describe(key)}: summary.csv says ${row[column]} ${label} (${column}), the bundle holds ${tally[field]}`,
          );
        }
      }
    }
    for (const [key, tally] of this.tallies) {
      const occurrences = tally.passed + tally.failed + tally.missed + tally.notApplicable;
      if (!this.summary.has(key) && occurrences > 0) {
        found.push(
          `${describe(key)}: occurrences.csv has ${occurrences} rows for a pair summary.csv does not list`,
        );
      }
    }
    return found;
  }

  private tally(key: string): PairTally {
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = emptyTally();
      this.tallies.set(key, tally);
    }
    return tally;
  }
}

function pairKey(service: string, control: string): string {
  return `${service}\u0000${control}`;
}

function describe(key: string): string {
  const [service, control] = key.split('\u0000');
  return `${service}/${control}`;
}
