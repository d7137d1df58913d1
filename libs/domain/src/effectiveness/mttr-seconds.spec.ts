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

  it('is null when no episode was remediated', () => {
    expect(mttrSeconds([{ start: 0, end: null }])).toBeNull();
    expect(mttrSeconds([])).toBeNull();
  });
});
