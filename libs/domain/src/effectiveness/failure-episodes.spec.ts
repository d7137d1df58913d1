import fc from 'fast-check';
import { resultsArbitrary, type Grid } from '../testing/arbitraries';
import { bruteFailureEpisodes } from '../testing/brute-force';
import { at, resultAt } from '../testing/factories';
import { HOUR_MS } from '../time/instant';
import { failureEpisodes, openEpisodes, remediatedEpisodes } from './failure-episodes';

const range = { from: at('2026-01-01T00:00Z'), asOf: at('2026-01-15T00:00Z') };

describe(failureEpisodes.name, () => {
  it('ignores an episode that started before from when it ends inside the window', () => {
    const results = [
      resultAt('2025-12-30T00:00Z', 'pass'),
      resultAt('2025-12-31T00:00Z', 'fail'),
      resultAt('2026-01-02T00:00Z', 'fail'), // continues the December episode
      resultAt('2026-01-03T00:00Z', 'pass'),
      resultAt('2026-01-05T00:00Z', 'fail'),
      resultAt('2026-01-05T06:00Z', 'pass'),
    ];
    expect(failureEpisodes(results, range)).toEqual([
      { start: at('2026-01-05T00:00Z'), end: at('2026-01-05T06:00Z') },
    ]);
  });

  it('starts an episode at the first failure when it has no predecessor at all', () => {
    const results = [resultAt('2026-01-02T00:00Z', 'error'), resultAt('2026-01-04T00:00Z', 'pass')];
    expect(failureEpisodes(results, range)).toEqual([
      { start: at('2026-01-02T00:00Z'), end: at('2026-01-04T00:00Z') },
    ]);
  });

  it('skips not_applicable results when looking for the predecessor', () => {
    const results = [
      resultAt('2026-01-01T00:00Z', 'pass'),
      resultAt('2026-01-02T00:00Z', 'not_applicable'),
      resultAt('2026-01-03T00:00Z', 'fail'),
      resultAt('2026-01-04T00:00Z', 'not_applicable'),
      resultAt('2026-01-05T00:00Z', 'error'), // same episode: its predecessor is a fail
      resultAt('2026-01-06T00:00Z', 'not_applicable'), // does not end it
      resultAt('2026-01-07T00:00Z', 'pass'),
    ];
    expect(failureEpisodes(results, range)).toEqual([
      { start: at('2026-01-03T00:00Z'), end: at('2026-01-07T00:00Z') },
    ]);
  });

  it('leaves the episode open when its pass comes after asOf', () => {
    const results = [resultAt('2026-01-10T00:00Z', 'fail'), resultAt('2026-01-20T00:00Z', 'pass')];
    expect(failureEpisodes(results, range)).toEqual([
      { start: at('2026-01-10T00:00Z'), end: null },
    ]);
  });

  it('counts the episode remediated when its pass is exactly at asOf', () => {
    const results = [resultAt('2026-01-10T00:00Z', 'fail'), resultAt('2026-01-15T00:00Z', 'pass')];
    expect(failureEpisodes(results, range)).toEqual([
      { start: at('2026-01-10T00:00Z'), end: at('2026-01-15T00:00Z') },
    ]);
  });

  it('counts an episode when it starts exactly at from but not when exactly at asOf', () => {
    const results = [
      resultAt('2026-01-01T00:00Z', 'fail'),
      resultAt('2026-01-02T00:00Z', 'pass'),
      resultAt('2026-01-15T00:00Z', 'fail'),
    ];
    expect(failureEpisodes(results, range)).toEqual([
      { start: at('2026-01-01T00:00Z'), end: at('2026-01-02T00:00Z') },
    ]);
  });

  it('takes results with the same time in the given order when they tie', () => {
    const passThenFail = [
      resultAt('2026-01-03T00:00Z', 'pass'),
      resultAt('2026-01-03T00:00Z', 'fail'),
    ];
    const failThenPass = [
      resultAt('2026-01-03T00:00Z', 'fail'),
      resultAt('2026-01-03T00:00Z', 'pass'),
    ];
    expect(failureEpisodes(passThenFail, range)).toEqual([
      { start: at('2026-01-03T00:00Z'), end: null },
    ]);
    expect(failureEpisodes(failThenPass, range)).toEqual([
      { start: at('2026-01-03T00:00Z'), end: at('2026-01-03T00:00Z') },
    ]);
  });

  const grid: Grid = { origin: at('2026-01-01T00:00Z'), step: HOUR_MS, steps: 60 };
  it('matches a naive scan when results are random', () => {
    fc.assert(
      fc.property(
        resultsArbitrary(grid, 30),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (results, a, b) => {
          const from = grid.origin + Math.min(a, b) * HOUR_MS;
          const asOf = grid.origin + Math.max(a, b) * HOUR_MS;
          expect(failureEpisodes(results, { from, asOf })).toEqual(
            bruteFailureEpisodes(results, from, asOf),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe(remediatedEpisodes.name, () => {
  it('counts episodes when they have an end', () => {
    expect(
      remediatedEpisodes([
        { start: 0, end: 1 },
        { start: 2, end: null },
        { start: 3, end: 5 },
      ]),
    ).toBe(2);
  });
});

describe(openEpisodes.name, () => {
  it('counts episodes when they have no end', () => {
    expect(
      openEpisodes([
        { start: 0, end: 1 },
        { start: 2, end: null },
      ]),
    ).toBe(1);
  });
});
