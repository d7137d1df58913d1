import { createHash } from 'node:crypto';
import {
  CLOUDEVENTS_SPEC_VERSION,
  CONTROL_STATUS_CHANGED_V1_TYPE,
  type ControlStatusChangedEventV1,
  type StatusChangeReason,
} from '@vigil/contracts';
import type { PairStatus, StatusChange } from '@vigil/persistence';

/**
 * Why a pair's status changed between two detector runs, or null if it did not (issue 5):
 * its latest expected slot fell due with no result, or the slot status or verdict changed.
 * A pair seen for the first time is reported only when its latest slot is missed.
 */
export function statusChangeReason(
  previous: PairStatus | null,
  current: PairStatus,
): StatusChangeReason | null {
  if (previous === null) return current.slotStatus === 'missed' ? 'missed' : null;
  const newSlot =
    (previous.slotStart?.getTime() ?? null) !== (current.slotStart?.getTime() ?? null);
  if (current.slotStatus === 'missed' && (newSlot || previous.slotStatus !== 'missed'))
    return 'missed';
  if (previous.slotStatus !== current.slotStatus) return 'slot_status_changed';
  if (previous.verdict !== current.verdict) return 'verdict_changed';
  return null;
}

/** True when the stored status must be updated (a new slot counts even without an event). */
export function statusMoved(previous: PairStatus | null, current: PairStatus): boolean {
  return (
    previous === null ||
    (previous.slotStart?.getTime() ?? null) !== (current.slotStart?.getTime() ?? null) ||
    previous.slotStatus !== current.slotStatus ||
    previous.verdict !== current.verdict
  );
}

/**
 * The change to log and publish. Its key and event id derive only from the change itself,
 * so the same change detected twice (a rerun, a second leader) is logged and published once.
 */
export function statusChange(
  previous: PairStatus | null,
  current: PairStatus,
  reason: StatusChangeReason,
  detectedAt: Date,
  window: { from: Date; to: Date },
): StatusChange {
  const state = (s: PairStatus | null) =>
    s === null ? 'none' : `${s.slotStatus ?? 'none'}/${s.verdict}`;
  const changeKey = [
    current.serviceId,
    current.controlId,
    current.slotStart?.toISOString() ?? '-',
    `${state(previous)}>${state(current)}`,
  ].join('|');
  const hash = createHash('sha256').update(changeKey).digest('hex');
  const id = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
  const event: ControlStatusChangedEventV1 = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id,
    source: '//vigil/evaluator',
    type: CONTROL_STATUS_CHANGED_V1_TYPE,
    time: detectedAt.toISOString(),
    subject: current.serviceId,
    datacontenttype: 'application/json',
    data: {
      serviceId: current.serviceId,
      controlId: current.controlId,
      previous:
        previous === null ? null : { slotStatus: previous.slotStatus, verdict: previous.verdict },
      current: { slotStatus: current.slotStatus, verdict: current.verdict },
      slotStart: current.slotStart?.toISOString() ?? null,
      slotEnd: current.slotEnd?.toISOString() ?? null,
      reason,
      window: { from: window.from.toISOString(), to: window.to.toISOString() },
    },
  };
  return { changeKey, serviceId: current.serviceId, controlId: current.controlId, reason, event };
}
