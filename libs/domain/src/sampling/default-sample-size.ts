import type { Frequency } from '../slots/frequency';

const DEFAULT_SAMPLE_SIZE: Record<Frequency, number> = {
  annually: 1,
  quarterly: 2,
  monthly: 2,
  weekly: 5,
  daily: 25,
  hourly: 25,
};

/**
 * How many expected slots an auditor tests by default for a control of this frequency
 * (SPEC §6): annually 1, quarterly 2, monthly 2, weekly 5, daily 25, hourly 25.
 */
export function defaultSampleSize(frequency: Frequency): number {
  return DEFAULT_SAMPLE_SIZE[frequency];
}
