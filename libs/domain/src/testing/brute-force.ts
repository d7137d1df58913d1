// Brute-force references for the property tests: deliberately naive, written from SPEC §5's
// words without reusing the engine's code, so the two can disagree.
import type { FailureEpisode } from '../effectiveness/failure-episodes';
import type { Outcome, ResultPoint } from '../effectiveness/result-point';
import type { ScopeInterval } from '../scope/scope-interval';
import type { Frequency } from '../slots/frequency';
import type { Slot } from '../slots/slot';
import { DAY_MS, HOUR_MS, type Instant, type Interval } from '../time/instant';

/** ISO 8601 week of a UTC instant, derived the textbook way: the week's Thursday decides its year. */
export function isoWeekKey(t: Instant): string {
  const date = new Date(t);
  const daysSinceMonday = (date.getUTCDay() + 6) % 7;
  const thursday = Date.UTC(
    date.getUTCFullYear(),
    date.getUTCMonth(),
    date.getUTCDate() - daysSinceMonday + 3,
  );
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** A label that is the same for every instant of one slot and differs between slots. */
export function slotKey(frequency: Frequency, t: Instant): string {
  const text = new Date(t).toISOString();
  const date = new Date(t);
  switch (frequency) {
    case 'hourly':
      return text.slice(0, 13);
    case 'daily':
      return text.slice(0, 10);
    case 'weekly':
      return isoWeekKey(t);
    case 'monthly':
      return text.slice(0, 7);
    case 'quarterly':
      return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
    case 'annually':
      return String(date.getUTCFullYear());
  }
}

/** Every slot boundary lies on a whole hour (up to weekly) or a whole day (monthly and longer). */
export function bruteStep(frequency: Frequency): number {
  return ['hourly', 'daily', 'weekly'].includes(frequency) ? HOUR_MS : DAY_MS;
}

/** Walks back step by step while the label stays the same. */
export function bruteSlotStart(frequency: Frequency, t: Instant): Instant {
  const step = bruteStep(frequency);
  const key = slotKey(frequency, t);
  let start = Math.floor(t / step) * step;
  while (slotKey(frequency, start - step) === key) start -= step;
  return start;
}

/** Enumerates instants step by step over the interval and cuts where the label changes. */
export function bruteSlotsWithin(frequency: Frequency, interval: Interval): Slot[] {
  const step = bruteStep(frequency);
  const boundaries: Instant[] = [];
  const first = Math.floor(interval.from / step) * step;
  for (let t = first; t <= interval.to; t += step) {
    if (slotKey(frequency, t) !== slotKey(frequency, t - step)) boundaries.push(t);
  }
  const slots: Slot[] = [];
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const start = boundaries[i];
    const end = boundaries[i + 1];
    if (start >= interval.from && end <= interval.to) slots.push({ start, end });
  }
  return slots;
}

/** SPEC §5.2 read literally: every slot of every frequency, kept if some scope of that frequency holds it. */
export function bruteExpectedSlots(
  scopes: readonly ScopeInterval[],
  window: Interval,
  asOf: Instant,
): Array<Slot & { frequency: Frequency }> {
  const frequencies = [...new Set(scopes.map((s) => s.frequency))];
  return frequencies
    .flatMap((frequency) =>
      bruteSlotsWithin(frequency, window)
        .filter((slot) => slot.end <= asOf)
        .filter((slot) =>
          scopes.some((s) => s.frequency === frequency && s.from <= slot.start && slot.end <= s.to),
        )
        .map((slot) => ({ ...slot, frequency })),
    )
    .sort((a, b) => a.start - b.start);
}

const BRUTE_NOMINAL_HOURS: Record<Frequency, number> = {
  hourly: 1,
  daily: 24,
  weekly: 7 * 24,
  monthly: 31 * 24,
  quarterly: 92 * 24,
  annually: 366 * 24,
};

/**
 * SPEC §5.8 by sampling the middle of every `step` of `[from, asOf)`. Exact when every bound
 * and result time is a multiple of `step`: the state only changes on those multiples.
 */
export function bruteComplianceTime(
  results: readonly Pick<ResultPoint, 'time' | 'outcome'>[],
  scopes: readonly ScopeInterval[],
  from: Instant,
  asOf: Instant,
  step: number,
): { compliant: number; considered: number } {
  let compliant = 0;
  let considered = 0;
  for (let t = from + step / 2; t < asOf; t += step) {
    const inForce = scopes.find((s) => s.from <= t && t < s.to);
    if (!inForce) continue;
    let latest: { time: Instant; outcome: Outcome } | undefined;
    for (const r of results) if (r.time <= t) latest = r;
    const fresh =
      latest !== undefined &&
      t - latest.time <= 2 * BRUTE_NOMINAL_HOURS[inForce.frequency] * HOUR_MS;
    if (!fresh || latest === undefined) {
      considered++;
    } else if (latest.outcome !== 'not_applicable') {
      considered++;
      if (latest.outcome === 'pass') compliant++;
    }
  }
  return { compliant: compliant * step, considered: considered * step };
}

/** SPEC §5.7 by a naive scan: for each failure, look back for its predecessor, forward for its end. */
export function bruteFailureEpisodes(
  results: readonly Pick<ResultPoint, 'time' | 'outcome'>[],
  from: Instant,
  asOf: Instant,
): FailureEpisode[] {
  const relevant = results.filter((r) => r.outcome !== 'not_applicable' && r.time <= asOf);
  const episodes: FailureEpisode[] = [];
  relevant.forEach((r, i) => {
    if (r.outcome === 'pass') return;
    if (i > 0 && relevant[i - 1].outcome !== 'pass') return;
    if (r.time < from || r.time >= asOf) return;
    const ender = relevant.slice(i + 1).find((later) => later.outcome === 'pass');
    episodes.push({ start: r.time, end: ender ? ender.time : null });
  });
  return episodes;
}
