import { at } from '../testing/factories';
import { mttrSeconds } from './mttr-seconds';

describe(mttrSeconds.name, () => {
  it('averages the remediated durations in seconds when some episodes are still open', () => {
    expect(
      mttrSeconds([
        { start: at('2026-01-01T00:00Z'), end: at('2026-01-01T01:00Z') },
        { start: at('2026-01-02T00:00Z'), end: at('2026-01-02T02:00Z') },
        { start: at('2026-01-03T00:00Z'), end: null },
      ]),
    ).toBe(5400);
  });

  it('keeps full precision when durations are not whole seconds', () => {
    expect(
      mttrSeconds([
        { start: 0, end: 1 },
        { start: 10, end: 12 },
      ]),
    ).toBe(0.0015);
  });

  it('divides the total once: 1 s, 1 s and 47 s give 49/3 correctly rounded', () => {
    expect(
      mttrSeconds([
        { start: 0, end: 1_000 },
        { start: 10_000, end: 11_000 },
        { start: 20_000, end: 67_000 },
      ]),
    ).toBe(16.333333333333332);
  });

  it('sums microsecond durations exactly, whatever fraction of a millisecond they carry', () => {
    const start = Date.UTC(2026, 0, 1);
    // 0.1 ms + 0.2 ms as fractional milliseconds sum to 0.30000000000000004 ms.
    expect(
      mttrSeconds([
        { start: start + 0.001, end: start + 0.101 },
        { start: start + 1, end: start + 1.2 },
      ]),
    ).toBe(0.3 / 2 / 1000);
  });

  it('is null when no episode was remediated', () => {
    expect(mttrSeconds([{ start: 0, end: null }])).toBeNull();
    expect(mttrSeconds([])).toBeNull();
  });
});
