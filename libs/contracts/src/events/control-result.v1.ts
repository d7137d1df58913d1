import { CloudEvent } from './cloud-event';

/**
 * `io.vigil.control.result.v1` — the result of one automated control test (SPEC §3).
 * A new, incompatible shape gets a new file and type (`…result.v2`); this one never changes.
 */
export const CONTROL_RESULT_V1_TYPE = 'io.vigil.control.result.v1';

export type Outcome = 'pass' | 'fail' | 'error' | 'not_applicable';
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'not_applicable'];

/** Service ids (`subject`) and control ids (`data.controlId`): 1–128 characters. */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface ControlResultDataV1 {
  controlId: string;
  outcome: Outcome;
  evidence?: { uri?: string; sha256?: string; summary?: string; [k: string]: unknown };
  test?: { id?: string; version?: string; [k: string]: unknown };
  details?: Record<string, unknown>;
}

export type ControlResultEventV1 = CloudEvent<ControlResultDataV1>;
