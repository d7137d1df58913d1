import { DAY_MS, HOUR_MS } from '../time/instant';

/** How often a control must operate (SPEC §4); each frequency cuts time into UTC slots. */
export type Frequency = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'annually';

/** Every frequency, shortest first. */
export const FREQUENCIES: readonly Frequency[] = [
  'hourly',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'annually',
];

/** Type guard for values read from the catalogue or a query string. */
export function isFrequency(value: unknown): value is Frequency {
  return typeof value === 'string' && (FREQUENCIES as readonly string[]).includes(value);
}

const NOMINAL_PERIOD_MS: Record<Frequency, number> = {
  hourly: HOUR_MS,
  daily: DAY_MS,
  weekly: 7 * DAY_MS,
  monthly: 31 * DAY_MS,
  quarterly: 92 * DAY_MS,
  annually: 366 * DAY_MS,
};

/**
 * The nominal period of a frequency (SPEC §5.8): 1 h, 1 d, 7 d, 31 d, 92 d, 366 d — the
 * longest a slot of that frequency can last. A result stays fresh for twice this.
 */
export function nominalPeriodMs(frequency: Frequency): number {
  return NOMINAL_PERIOD_MS[frequency];
}
