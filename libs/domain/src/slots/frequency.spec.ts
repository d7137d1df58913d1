import { FREQUENCIES, isFrequency, nominalPeriodMs } from './frequency';

describe(nominalPeriodMs.name, () => {
  it.each([
    ['hourly', 3_600_000],
    ['daily', 86_400_000],
    ['weekly', 7 * 86_400_000],
    ['monthly', 31 * 86_400_000],
    ['quarterly', 92 * 86_400_000],
    ['annually', 366 * 86_400_000],
  ] as const)('is the longest %s slot (%i ms) when asked for freshness', (frequency, ms) => {
    expect(nominalPeriodMs(frequency)).toBe(ms);
  });
});

describe(isFrequency.name, () => {
  it('accepts every frequency when listed in FREQUENCIES', () => {
    expect(FREQUENCIES.every(isFrequency)).toBe(true);
    expect(FREQUENCIES).toHaveLength(6);
  });

  it.each(['Daily', 'biweekly', '', 7, null])('rejects %p when it is not a frequency', (value) => {
    expect(isFrequency(value)).toBe(false);
  });
});
