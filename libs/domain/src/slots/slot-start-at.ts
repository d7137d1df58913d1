import { DAY_MS, HOUR_MS, type Instant } from '../time/instant';
import type { Frequency } from './frequency';

/** 1970-01-01 was a Thursday; the ISO week containing it started on Monday 1969-12-29. */
const EPOCH_WEEK_START = -3 * DAY_MS;
const WEEK_MS = 7 * DAY_MS;

/** Midnight UTC on the first day of `monthIndex` (may overflow into the next years). */
function startOfUtcMonth(year: number, monthIndex: number): Instant {
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, 1);
  return date.getTime();
}

function monthsPerSlot(frequency: 'monthly' | 'quarterly' | 'annually'): number {
  switch (frequency) {
    case 'monthly':
      return 1;
    case 'quarterly':
      return 3;
    case 'annually':
      return 12;
  }
}

function assertFiniteInstant(t: Instant): void {
  if (!Number.isFinite(t)) throw new RangeError(`instant must be finite, got ${t}`);
}

/**
 * The start of the UTC slot of `frequency` that contains `t` (SPEC §5.1): the hour; the day;
 * the ISO week, from Monday 00:00; the calendar month; the calendar quarter (January, April,
 * July, October); the calendar year.
 */
export function slotStartAt(frequency: Frequency, t: Instant): Instant {
  assertFiniteInstant(t);
  switch (frequency) {
    case 'hourly':
      return Math.floor(t / HOUR_MS) * HOUR_MS;
    case 'daily':
      return Math.floor(t / DAY_MS) * DAY_MS;
    case 'weekly':
      return Math.floor((t - EPOCH_WEEK_START) / WEEK_MS) * WEEK_MS + EPOCH_WEEK_START;
    case 'monthly':
    case 'quarterly':
    case 'annually': {
      const date = new Date(t);
      const months = monthsPerSlot(frequency);
      const month = date.getUTCMonth();
      return startOfUtcMonth(date.getUTCFullYear(), month - (month % months));
    }
  }
}

/**
 * The start of the slot that follows the one containing `slotStart` — which is also the end
 * of that slot. `slotStart` is normally a slot start, but any instant is accepted.
 */
export function nextSlotStart(frequency: Frequency, slotStart: Instant): Instant {
  const start = slotStartAt(frequency, slotStart);
  switch (frequency) {
    case 'hourly':
      return start + HOUR_MS;
    case 'daily':
      return start + DAY_MS;
    case 'weekly':
      return start + WEEK_MS;
    case 'monthly':
    case 'quarterly':
    case 'annually': {
      const date = new Date(start);
      return startOfUtcMonth(date.getUTCFullYear(), date.getUTCMonth() + monthsPerSlot(frequency));
    }
  }
}
