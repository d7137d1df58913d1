import type { Outcome } from './result-point';
import { slotStatus, type SlotStatus } from './slot-status';

const outcomes = (...list: Outcome[]) => list.map((outcome) => ({ outcome }));

describe(slotStatus.name, () => {
  it.each<[Outcome[], SlotStatus]>([
    [['pass', 'fail'], 'failed'],
    [['pass', 'error', 'pass'], 'failed'],
    [['not_applicable', 'error'], 'failed'],
    [['pass'], 'passed'],
    [['not_applicable', 'pass'], 'passed'],
    [['not_applicable', 'not_applicable'], 'not_applicable'],
    [[], 'missed'],
  ])('turns %j into %s when those are the slot results', (list, status) => {
    expect(slotStatus(outcomes(...list))).toBe(status);
  });
});
