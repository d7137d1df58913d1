import fc from 'fast-check';
import type { Outcome, ResultPoint } from '../effectiveness/result-point';
import type { ScopeInterval } from '../scope/scope-interval';
import type { Frequency } from '../slots/frequency';
import type { Instant } from '../time/instant';

export interface Grid {
  /** First grid point. */
  origin: Instant;
  /** Distance between grid points, in ms. */
  step: number;
  /** Number of steps the grid spans. */
  steps: number;
}

/** A grid point, as an instant. */
export function gridInstant(grid: Grid): fc.Arbitrary<Instant> {
  return fc.integer({ min: 0, max: grid.steps }).map((k) => grid.origin + k * grid.step);
}

/**
 * Non-overlapping scope intervals on the grid: cut points, each segment in or out of scope
 * with a frequency, the last one sometimes open-ended. Adjacent in-scope segments (with the
 * same or another frequency) are generated on purpose: their boundary is where §5.2 bites.
 */
export function scopesArbitrary(
  grid: Grid,
  frequencies: readonly Frequency[],
): fc.Arbitrary<ScopeInterval[]> {
  // Mostly in scope: a gap is worth testing, a window with nothing in scope rarely is.
  const segment = fc.tuple(
    fc.constantFrom(true, true, true, false),
    fc.constantFrom(...frequencies),
  );
  return fc
    .uniqueArray(fc.integer({ min: 1, max: grid.steps - 1 }), { maxLength: 6 })
    .chain((cuts) => {
      // The grid's ends are always cuts, so the scopes span the grid minus their gaps.
      const sorted = [0, ...[...cuts].sort((a, b) => a - b), grid.steps];
      const segments = sorted.length - 1;
      return fc
        .tuple(fc.array(segment, { minLength: segments, maxLength: segments }), fc.boolean())
        .map(([flags, openEnded]) => {
          const scopes: ScopeInterval[] = [];
          flags.forEach(([inScope, frequency], i) => {
            if (!inScope) return;
            const from = grid.origin + sorted[i] * grid.step;
            const to = grid.origin + sorted[i + 1] * grid.step;
            scopes.push({ from, to, frequency });
          });
          const last = scopes.at(-1);
          if (openEnded && last && last.to === grid.origin + grid.steps * grid.step) {
            last.to = Number.POSITIVE_INFINITY;
          }
          return scopes;
        });
    });
}

const outcome: fc.Arbitrary<Outcome> = fc.constantFrom(
  'pass',
  'pass',
  'fail',
  'error',
  'not_applicable',
);

/**
 * Results on the grid, sorted by time with ties kept in generation order (as the caller
 * orders ties by ingestion). Ids are unique.
 */
export function resultsArbitrary(
  grid: Grid,
  maxLength: number,
  minLength = 0,
): fc.Arbitrary<ResultPoint[]> {
  return fc
    .array(
      fc.tuple(
        gridInstant(grid),
        outcome,
        fc.boolean(),
        fc.option(fc.constantFrom('s3://a', 's3://b')),
      ),
      { minLength, maxLength },
    )
    .map((rows) =>
      rows
        .map(([time, result, late, evidenceUri], i) => ({
          id: `g${i}`,
          time,
          outcome: result,
          late,
          evidenceUri,
        }))
        .sort((a, b) => a.time - b.time),
    );
}
