import type { PairStatus } from '@vigil/persistence';
import { statusChange, statusChangeReason, statusMoved } from './status-change';

const status = (overrides: Partial<PairStatus> = {}): PairStatus => ({
  serviceId: 'payments-api',
  controlId: 'mfa-enforced',
  slotStart: new Date('2026-03-14T00:00:00Z'),
  slotEnd: new Date('2026-03-15T00:00:00Z'),
  slotStatus: 'passed',
  verdict: 'effective',
  ...overrides,
});
const nextSlot = {
  slotStart: new Date('2026-03-15T00:00:00Z'),
  slotEnd: new Date('2026-03-16T00:00:00Z'),
};

describe(statusChangeReason.name, () => {
  it('reports a missed slot when a pair is seen for the first time with its latest slot missed', () => {
    expect(statusChangeReason(null, status({ slotStatus: 'missed' }))).toBe('missed');
    expect(statusChangeReason(null, status())).toBeNull();
  });

  it('reports a missed slot when a new slot fell due with no result', () => {
    expect(statusChangeReason(status(), status({ ...nextSlot, slotStatus: 'missed' }))).toBe(
      'missed',
    );
    expect(
      statusChangeReason(
        status({ slotStatus: 'missed' }),
        status({ ...nextSlot, slotStatus: 'missed' }),
      ),
    ).toBe('missed');
  });

  it('reports nothing when a new slot has the same status and verdict', () => {
    expect(statusChangeReason(status(), status(nextSlot))).toBeNull();
    expect(statusMoved(status(), status(nextSlot))).toBe(true);
    expect(statusMoved(status(), status())).toBe(false);
  });

  it('reports a slot status change when a late result fills a missed slot', () => {
    expect(statusChangeReason(status({ slotStatus: 'missed' }), status())).toBe(
      'slot_status_changed',
    );
  });

  it('reports a verdict change when only the verdict moved', () => {
    expect(statusChangeReason(status(), status({ verdict: 'not_effective' }))).toBe(
      'verdict_changed',
    );
  });
});

describe(statusChange.name, () => {
  it('gives the same key and event id when the same change is detected twice', () => {
    const window = { from: new Date('2025-12-15T00:00:00Z'), to: new Date('2026-03-15T00:00:00Z') };
    const a = statusChange(
      status({ slotStatus: 'missed' }),
      status(),
      'slot_status_changed',
      new Date(1),
      window,
    );
    const b = statusChange(
      status({ slotStatus: 'missed' }),
      status(),
      'slot_status_changed',
      new Date(2),
      window,
    );
    expect(a.changeKey).toBe(b.changeKey);
    expect(a.event.id).toBe(b.event.id);
    expect(a.event).toMatchObject({
      type: 'io.vigil.control.status.changed.v1',
      subject: 'payments-api',
      data: {
        serviceId: 'payments-api',
        controlId: 'mfa-enforced',
        previous: { slotStatus: 'missed', verdict: 'effective' },
        current: { slotStatus: 'passed', verdict: 'effective' },
        slotStart: '2026-03-14T00:00:00.000Z',
        slotEnd: '2026-03-15T00:00:00.000Z',
        reason: 'slot_status_changed',
      },
    });
  });
});
