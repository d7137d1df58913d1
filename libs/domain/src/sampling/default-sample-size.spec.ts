import { defaultSampleSize } from './default-sample-size';

describe(defaultSampleSize.name, () => {
  it.each([
    ['annually', 1],
    ['quarterly', 2],
    ['monthly', 2],
    ['weekly', 5],
    ['daily', 25],
    ['hourly', 25],
  ] as const)('is %s → %i when the control has that frequency', (frequency, size) => {
    expect(defaultSampleSize(frequency)).toBe(size);
  });
});
