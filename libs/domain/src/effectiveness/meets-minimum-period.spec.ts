import { at, scope } from '../testing/factories';
import { meetsMinimumPeriod } from './meets-minimum-period';

// January + February + March 2026 = 31 + 28 + 31 = 90 days.
const q1 = { from: at('2026-01-01T00:00Z'), to: at('2026-04-01T00:00Z') };

describe(meetsMinimumPeriod.name, () => {
  it('is met when exactly 90 days of the window are in scope', () => {
    expect(meetsMinimumPeriod({ scopes: [scope('daily', '2025-06-01T00:00Z')], window: q1 })).toBe(
      true,
    );
  });

  it('is not met when one millisecond short of 90 days', () => {
    expect(
      meetsMinimumPeriod({ scopes: [scope('daily', '2026-01-01T00:00:00.001Z')], window: q1 }),
    ).toBe(false);
  });

  it('adds up separate scope intervals when the assignment has a gap', () => {
    const scopes = [
      scope('daily', '2025-01-01T00:00Z', '2025-02-15T00:00Z'), // 45 days
      scope('weekly', '2025-03-01T00:00Z', '2025-04-15T00:00Z'), // 45 days
    ];
    expect(
      meetsMinimumPeriod({
        scopes,
        window: { from: at('2025-01-01T00:00Z'), to: at('2025-07-01T00:00Z') },
      }),
    ).toBe(true);
  });

  it('is met when the assignment is still open at the window end', () => {
    expect(meetsMinimumPeriod({ scopes: [scope('daily', '2026-01-01T00:00Z')], window: q1 })).toBe(
      true,
    );
  });
});
