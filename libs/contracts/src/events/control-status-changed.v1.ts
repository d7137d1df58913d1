import { CloudEvent } from './cloud-event';

/**
 * `io.vigil.control.status.changed.v1` — published by the evaluator on `control-status-changes`
 * (SPEC §2) when a pair's latest expected slot fell due with no result, or its slot status or
 * verdict changed. `subject` is the service id; the message key is the service id too.
 */
export const CONTROL_STATUS_CHANGED_V1_TYPE = 'io.vigil.control.status.changed.v1';

export type StatusChangeReason = 'missed' | 'slot_status_changed' | 'verdict_changed';

/** The state compared: the status of the latest expected slot and the rolling verdict. */
export interface ControlStatusV1 {
  slotStatus: 'passed' | 'failed' | 'missed' | 'not_applicable' | null;
  verdict: 'effective' | 'effective_with_exceptions' | 'not_effective' | 'not_in_scope';
}

export interface ControlStatusChangedDataV1 {
  serviceId: string;
  controlId: string;
  /** Null when the evaluator sees the pair for the first time. */
  previous: ControlStatusV1 | null;
  current: ControlStatusV1;
  /** The latest expected slot (RFC 3339), null when none has ended yet. */
  slotStart: string | null;
  slotEnd: string | null;
  reason: StatusChangeReason;
  /** The window the verdict is computed over (the last 90 days ending at detection). */
  window: { from: string; to: string };
}

export type ControlStatusChangedEventV1 = CloudEvent<ControlStatusChangedDataV1>;
