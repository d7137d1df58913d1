import { createHash } from 'node:crypto';
import type { Instant } from '../time/instant';

/** The ranking key of a slot: lowercase hex SHA-256 of `${seed}:${ISO 8601 start}`. */
export function sampleRank(seed: string, start: Instant): string {
  return createHash('sha256')
    .update(`${seed}:${new Date(start).toISOString()}`, 'utf8')
    .digest('hex');
}

/**
 * A reproducible random sample of `size` items of `population` (SPEC §6: the same seed gives
 * the same sample everywhere), for auditor testing of expected slots.
 *
 * Algorithm, so an auditor can re-derive a sample with any SHA-256 tool:
 * 1. For each item, take its slot start as an ISO 8601 UTC string with milliseconds, as
 *    JavaScript's `Date.prototype.toISOString` writes it (`2026-03-01T00:00:00.000Z`).
 * 2. Its rank is the lowercase hexadecimal SHA-256 of the UTF-8 bytes of
 *    `<seed>:<that string>` — e.g. `audit-2026:2026-03-01T00:00:00.000Z`.
 * 3. Sort the items by rank, ascending, comparing the hex strings character by character
 *    (ties — only possible for two items with the same start — keep the given order).
 * 4. Keep the first `size` (all of them when the population is smaller), and list them
 *    sorted by start.
 * An item's rank depends only on the seed and its own start, so adding or removing other
 * items never changes whether the remaining ones rank before one another.
 */
export function sampleSlots<T extends { start: Instant }>(
  population: readonly T[],
  seed: string,
  size: number,
): T[] {
  if (!Number.isInteger(size) || size < 0) {
    throw new RangeError(`sample size must be a non-negative integer, got ${size}`);
  }
  return population
    .map((item, index) => ({ item, index, rank: sampleRank(seed, item.start) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.index - b.index))
    .slice(0, size)
    .sort((a, b) => a.item.start - b.item.start || a.index - b.index)
    .map(({ item }) => item);
}
