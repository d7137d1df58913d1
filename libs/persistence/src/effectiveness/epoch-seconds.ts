/** 2^33 s (year 2242) in microseconds: below it a float8 of epoch seconds resolves every µs. */
const LAST_EXACT_MICROS = 2 ** 33 * 1e6;

/**
 * Milliseconds since the epoch from `date_part('epoch', time)::text` (e.g. `1764403200.123456`),
 * the same double as `Number()` of extract's exact `1764403200123.456000`.
 *
 * PostgreSQL computes that float8 as (exact integer microseconds) / 1e6, correctly rounded,
 * and prints the shortest decimal that reads back as the same double. Until the year 2242 a
 * double's step there is under a microsecond, so that shortest decimal is the exact instant
 * with trailing zeros dropped: its digits are the integer microseconds, and dividing them by
 * 1000 rounds the exact quotient once, as `Number()` does the decimal. Anything else
 * (negative, exponent, longer) goes through `Number()` and rounding to whole microseconds,
 * which is exact for the same reason.
 */
export function parseEpochSeconds(text: string, from: number, to: number): number {
  let micros = 0;
  let k = from;
  for (; k < to; k++) {
    const digit = text.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) break;
    micros = micros * 10 + digit;
  }
  const integerDigits = k - from;
  let fractionDigits = 0;
  if (k < to && text.charCodeAt(k) === 46) {
    for (k++; k < to; k++) {
      const digit = text.charCodeAt(k) - 48;
      if (digit < 0 || digit > 9) break;
      micros = micros * 10 + digit;
      fractionDigits++;
    }
  }
  if (k !== to || integerDigits === 0 || integerDigits > 10 || fractionDigits > 6) {
    return Math.round(Number(text.slice(from, to)) * 1e6) / 1000;
  }
  for (; fractionDigits < 6; fractionDigits++) micros *= 10;
  if (micros >= LAST_EXACT_MICROS) return Math.round(Number(text.slice(from, to)) * 1e6) / 1000;
  return micros / 1000;
}
