import { invalidParameter } from './problem';

export interface QueryWindow {
  from: Date;
  to: Date;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const MAX_WINDOW_MS = 5 * 366 * 86_400_000;

/** Parses an RFC 3339 timestamp with an explicit offset; anything else is a 400 naming the parameter. */
export function parseInstant(parameter: string, raw: unknown): Date {
  if (typeof raw !== 'string' || !RFC3339.test(raw)) {
    throw invalidParameter(
      parameter,
      'must be an RFC 3339 date-time with offset, e.g. 2026-01-01T00:00:00Z',
    );
  }
  const date = new Date(raw);
  // Date rolls impossible calendar values over (Feb 30 → Mar 2, 24:00 → next day): refuse them.
  if (Number.isNaN(date.getTime()) || !isCalendarValid(raw))
    throw invalidParameter(parameter, 'is not a valid date-time');
  const year = date.getUTCFullYear();
  if (year < 1970 || year > 9999)
    throw invalidParameter(parameter, 'must lie between 1970 and 9999');
  return date;
}

function isCalendarValid(raw: string): boolean {
  const [year, month, day, hour, minute, second] = raw.slice(0, 19).split(/[-T:]/).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59
  );
}

/** `P90D`, `P12W`, `P1Y`…: days only, weeks, or years; no fractional parts. */
export function parseWindowDuration(raw: string): number {
  const m = /^P(?:(\d{1,4})Y)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?$/.exec(raw);
  if (!m || raw === 'P')
    throw invalidParameter('window', 'must be an ISO 8601 duration in days, e.g. P90D');
  const days = Number(m[1] ?? 0) * 365 + Number(m[2] ?? 0) * 7 + Number(m[3] ?? 0);
  if (days <= 0) throw invalidParameter('window', 'must be longer than zero');
  return days * 86_400_000;
}

/**
 * `from`/`to` or `window=P90D` (ending now). Windows are half-open [from, to), at most five years.
 */
export function parseQueryWindow(
  query: { from?: unknown; to?: unknown; window?: unknown },
  now: Date,
  options: { defaultWindow?: string; required?: boolean } = {},
): QueryWindow {
  const hasRange = query.from !== undefined || query.to !== undefined;
  if (hasRange && query.window !== undefined) {
    throw invalidParameter('window', 'give either window or from/to, not both');
  }
  let window: QueryWindow;
  if (hasRange) {
    if (query.from === undefined) throw invalidParameter('from', 'is required with to');
    const from = parseInstant('from', query.from);
    const to = query.to === undefined ? now : parseInstant('to', query.to);
    window = { from, to };
  } else {
    const raw = query.window ?? options.defaultWindow;
    if (raw === undefined)
      throw invalidParameter('from', 'give from and to, or window (e.g. P90D)');
    if (typeof raw !== 'string') throw invalidParameter('window', 'must be a string like P90D');
    const ms = parseWindowDuration(raw);
    window = { from: new Date(now.getTime() - ms), to: now };
  }
  if (window.from.getTime() >= window.to.getTime())
    throw invalidParameter('from', 'must be before to');
  if (window.to.getTime() - window.from.getTime() > MAX_WINDOW_MS) {
    throw invalidParameter('window', 'must not be longer than five years');
  }
  return window;
}
