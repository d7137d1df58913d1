const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The last instant a Date holds (ECMAScript: ±8.64e15 ms). */
const MAX_DATE_MS = 8.64e15;

/** `HH:00:00.000Z` for each hour of a day. */
const HOUR_SUFFIXES = Array.from(
  { length: 24 },
  (_, hour) => `${String(hour).padStart(2, '0')}:00:00.000Z`,
);

let cachedDay = Number.NaN;
let cachedDayPrefix = '';

/**
 * `new Date(ms).toISOString()`, faster for the instants slots start and end at: whole hours
 * are written from the day's `YYYY-MM-DDT`, formatted once per day, and a suffix table. An
 * hourly pair's 90 days answer 2,160 slots, 4,320 instants; each `toISOString` (with its Date)
 * cost ~1.6 µs on a 2-core benchmark machine, 7 ms per answer.
 */
export function isoInstant(ms: number): string {
  if (ms % HOUR_MS !== 0 || ms < 0 || ms > MAX_DATE_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    // `YYYY-MM-DDT`, or `+YYYYYY-MM-DDT` for the years after 9999.
    cachedDayPrefix = iso.slice(0, iso.indexOf('T') + 1);
    cachedDay = day;
  }
  return cachedDayPrefix + HOUR_SUFFIXES[(ms - day * DAY_MS) / HOUR_MS];
}
