import { at, iso } from '../testing/factories';
import { rollingWindow } from './rolling-window';

describe(rollingWindow.name, () => {
  it.each([
    [30, '2026-02-13T00:00:00.000Z'],
    [90, '2025-12-15T00:00:00.000Z'],
    [180, '2025-09-16T00:00:00.000Z'],
    [365, '2025-03-15T00:00:00.000Z'],
  ] as const)('covers the last %i whole days when today is 15 March 2026', (days, from) => {
    const window = rollingWindow(days, at('2026-03-15T10:00Z'));
    expect([iso(window.from), iso(window.to)]).toEqual([from, '2026-03-15T00:00:00.000Z']);
  });

  it('spans 29 February when the window crosses a leap day', () => {
    const window = rollingWindow(30, at('2024-03-15T00:00Z'));
    expect(iso(window.from)).toBe('2024-02-14T00:00:00.000Z');
  });

  it('throws when the length is not a positive whole number of days', () => {
    expect(() => rollingWindow(0, 0)).toThrow(RangeError);
    expect(() => rollingWindow(1.5, 0)).toThrow(RangeError);
    expect(() => rollingWindow(30, Number.NaN)).toThrow(RangeError);
  });
});
