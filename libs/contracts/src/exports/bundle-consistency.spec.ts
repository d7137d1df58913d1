import { BundleConsistency } from './bundle-consistency';
import { SUMMARY_COLUMNS } from './export-tables';

function summary(overrides: Partial<Record<(typeof SUMMARY_COLUMNS)[number], string>> = {}) {
  const row = Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, '0'])) as Record<
    (typeof SUMMARY_COLUMNS)[number],
    string
  >;
  return {
    ...row,
    service: 's',
    control: 'c',
    expectedOccurrences: '3',
    passedOccurrences: '1',
    failedOccurrences: '1',
    missedOccurrences: '1',
    deviations: '2',
    resultsPass: '1',
    resultsFail: '1',
    ...overrides,
  };
}

const occurrence = (status: string) => ({
  service: 's',
  control: 'c',
  slotStart: '',
  slotEnd: '',
  frequency: 'daily',
  status,
  resultIds: '',
  evidenceUris: '',
});
const result = (outcome: string, control = 'c') => ({
  seq: '1',
  source: '',
  eventId: '',
  service: 's',
  control,
  outcome,
  time: '',
  receivedAt: '',
  late: 'false',
  evidence: '',
  test: '',
  details: '',
  eventSha256: '',
  kafkaTopic: '',
  kafkaPartition: '',
  kafkaOffset: '',
});

function consistent(): BundleConsistency {
  const check = new BundleConsistency();
  check.addSummary(summary());
  for (const status of ['passed', 'failed', 'missed']) check.addOccurrence(occurrence(status));
  check.addResult(result('pass'));
  check.addResult(result('fail'));
  return check;
}

describe(BundleConsistency.name, () => {
  it('finds nothing when the summary agrees with the occurrences and the results', () => {
    expect(consistent().mismatches()).toEqual([]);
  });

  it('accepts results of a pair the summary does not list (unmapped pairs are part of the population)', () => {
    const check = consistent();
    check.addResult(result('pass', 'unmapped'));
    expect(check.mismatches()).toEqual([]);
  });

  it('names the pair and the count when the occurrences disagree with the summary', () => {
    const check = consistent();
    check.addOccurrence(occurrence('missed'));
    expect(check.mismatches()).toEqual([
      's/c: summary.csv says 1 missed occurrences (missedOccurrences), the bundle holds 2',
    ]);
  });

  it('names the count when the results disagree with the summary', () => {
    const check = consistent();
    check.addResult(result('error'));
    expect(check.mismatches()).toEqual([
      's/c: summary.csv says 0 error results (resultsError), the bundle holds 1',
    ]);
  });

  it('finds a summary whose own numbers do not add up', () => {
    const check = new BundleConsistency();
    check.addSummary(summary({ expectedOccurrences: '4', deviations: '1' }));
    expect(check.mismatches().slice(0, 2)).toEqual([
      'summary.csv: s/c expectedOccurrences is not passed + failed + missed',
      'summary.csv: s/c deviations is not failed + missed',
    ]);
  });
});
