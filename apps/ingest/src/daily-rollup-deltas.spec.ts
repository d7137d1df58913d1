import { dailyRollupDeltas, RollupInput } from './daily-rollup-deltas';

function aResult(overrides: Partial<RollupInput> = {}): RollupInput {
  return {
    serviceId: 'payments-api',
    controlId: 'mfa-enforced',
    outcome: 'pass',
    time: new Date('2026-11-29T10:02:11Z'),
    late: false,
    ...overrides,
  };
}

describe(dailyRollupDeltas.name, () => {
  it('counts outcomes, late results and hour bits per pair and UTC day when results span days', () => {
    const deltas = dailyRollupDeltas([
      aResult({ time: new Date('2026-11-29T00:10:00Z') }),
      aResult({ outcome: 'fail', time: new Date('2026-11-29T05:00:00Z') }),
      aResult({ outcome: 'error', time: new Date('2026-11-29T06:30:00Z'), late: true }),
      aResult({ outcome: 'not_applicable', time: new Date('2026-11-29T23:59:59Z') }),
      aResult({ time: new Date('2026-11-30T01:00:00Z') }),
      aResult({ controlId: 'backups', time: new Date('2026-11-29T01:00:00Z') }),
    ]);
    expect(deltas).toHaveLength(3);
    expect(deltas[0]).toEqual({
      serviceId: 'payments-api',
      controlId: 'mfa-enforced',
      day: '2026-11-29',
      passCount: 1,
      failCount: 1,
      errorCount: 1,
      notApplicableCount: 1,
      lateCount: 1,
      firstTime: new Date('2026-11-29T00:10:00Z'),
      lastTime: new Date('2026-11-29T23:59:59Z'),
      firstTimeMicros: 0,
      lastTimeMicros: 0,
      lastOutcome: 'not_applicable',
      passHours: 1 << 0,
      failHours: (1 << 5) | (1 << 6),
      notApplicableHours: 1 << 23,
    });
    expect(deltas[1]).toMatchObject({ day: '2026-11-30', passCount: 1, passHours: 1 << 1 });
    expect(deltas[2]).toMatchObject({ controlId: 'backups', passCount: 1 });
  });

  it('orders results of one millisecond by their microseconds', () => {
    const t = new Date('2026-11-29T12:00:00.123Z');
    const [d] = dailyRollupDeltas([
      aResult({ time: t, timeMicros: 500, outcome: 'pass' }),
      aResult({ time: t, timeMicros: 400, outcome: 'fail' }),
      aResult({ time: t, timeMicros: 600, outcome: 'not_applicable' }),
    ]);
    // The last is the latest microsecond (not the most severe), the first the earliest.
    expect(d).toMatchObject({
      firstTime: t,
      firstTimeMicros: 400,
      lastTime: t,
      lastTimeMicros: 600,
      lastOutcome: 'not_applicable',
    });
  });

  it('takes the latest result as last outcome, the most severe one when times are equal', () => {
    const t = new Date('2026-11-29T12:00:00Z');
    const [d] = dailyRollupDeltas([
      aResult({ time: t, outcome: 'fail' }),
      aResult({ time: t, outcome: 'pass' }),
      aResult({ time: new Date('2026-11-29T11:00:00Z'), outcome: 'error' }),
    ]);
    expect(d).toMatchObject({
      lastTime: t,
      lastOutcome: 'fail',
      firstTime: new Date('2026-11-29T11:00:00Z'),
    });
  });
});
