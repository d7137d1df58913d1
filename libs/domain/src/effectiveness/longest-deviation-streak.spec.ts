import fc from 'fast-check';
import { longestDeviationStreak } from './longest-deviation-streak';
import type { SlotStatus } from './slot-status';

describe(longestDeviationStreak.name, () => {
  it.each<[SlotStatus[], number]>([
    [[], 0],
    [['passed', 'passed'], 0],
    [['failed', 'missed', 'passed', 'missed'], 2],
    // not_applicable neither counts nor breaks a streak.
    [['failed', 'missed', 'not_applicable', 'failed', 'passed', 'missed'], 3],
    [['not_applicable', 'not_applicable'], 0],
    [['missed', 'missed', 'missed'], 3],
  ])('finds, when the statuses are %j, a streak of %i', (statuses, streak) => {
    expect(longestDeviationStreak(statuses)).toBe(streak);
  });

  it('matches the longest run of deviations when not_applicable slots are removed first', () => {
    const status = fc.constantFrom<SlotStatus>('passed', 'failed', 'missed', 'not_applicable');
    fc.assert(
      fc.property(fc.array(status, { maxLength: 40 }), (statuses) => {
        const kept = statuses.filter((s) => s !== 'not_applicable');
        let longest = 0;
        for (let i = 0; i < kept.length; i++) {
          let j = i;
          while (j < kept.length && kept[j] !== 'passed') j++;
          longest = Math.max(longest, j - i);
        }
        expect(longestDeviationStreak(statuses)).toBe(longest);
      }),
      { numRuns: 500 },
    );
  });
});
