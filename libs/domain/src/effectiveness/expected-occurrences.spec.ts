import { countOccurrences, expectedOccurrences } from './expected-occurrences';
import type { SlotStatus } from './slot-status';

const statuses: SlotStatus[] = ['passed', 'failed', 'missed', 'not_applicable', 'passed', 'missed'];

describe(countOccurrences.name, () => {
  it('counts not_applicable slots apart when they are among the expected slots', () => {
    expect(countOccurrences(statuses)).toEqual({
      expectedOccurrences: 5,
      passedOccurrences: 2,
      failedOccurrences: 1,
      missedOccurrences: 2,
      notApplicableOccurrences: 1,
    });
  });

  it('is all zeros when there is no slot', () => {
    expect(countOccurrences([]).expectedOccurrences).toBe(0);
  });
});

describe(expectedOccurrences.name, () => {
  it('leaves out not_applicable slots when counting', () => {
    expect(expectedOccurrences(statuses)).toBe(5);
    expect(expectedOccurrences(['not_applicable'])).toBe(0);
  });
});
