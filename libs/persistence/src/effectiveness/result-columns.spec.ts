import { LATE_FLAG, OUTCOME_CODES, resultPointsOf } from '@vigil/domain';
import { ResultColumnsBuilder } from './result-columns';

describe(ResultColumnsBuilder.name, () => {
  it('keeps slices apart when one outgrows its room', () => {
    const [first, second] = ResultColumnsBuilder.slices([2, 2]);
    second.push(10, OUTCOME_CODES.fail);
    for (let i = 0; i < 5; i++) first.push(i, OUTCOME_CODES.pass);
    second.push(11, OUTCOME_CODES.error + LATE_FLAG);
    expect(Array.from(first.times.subarray(0, first.length))).toEqual([0, 1, 2, 3, 4]);
    expect(resultPointsOf(second)).toEqual([
      { id: '', time: 10, outcome: 'fail', late: false, evidenceUri: null },
      { id: '', time: 11, outcome: 'error', late: true, evidenceUri: null },
    ]);
  });

  it('appends another builder and points in order', () => {
    const builder = new ResultColumnsBuilder(1);
    builder.pushPoint({ time: 1, outcome: 'not_applicable', late: true });
    const other = new ResultColumnsBuilder();
    other.push(2, OUTCOME_CODES.pass);
    other.push(3, OUTCOME_CODES.fail);
    builder.append(other);
    expect(resultPointsOf(builder).map((p) => [p.time, p.outcome, p.late])).toEqual([
      [1, 'not_applicable', true],
      [2, 'pass', false],
      [3, 'fail', false],
    ]);
  });
});
