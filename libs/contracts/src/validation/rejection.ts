/**
 * Why an event was rejected (SPEC §3). The Kafka path puts the code in the DLQ header
 * `vigil-error-code`; the HTTP path returns it per event in the 400 problem document.
 */
export type RejectionCode =
  | 'malformed_json'
  | 'invalid_envelope'
  | 'invalid_data'
  | 'payload_too_large'
  | 'time_in_future'
  | 'id_conflict';

export const REJECTION_CODES: readonly RejectionCode[] = [
  'malformed_json',
  'invalid_envelope',
  'invalid_data',
  'payload_too_large',
  'time_in_future',
  'id_conflict',
];

/** Whole event ≤ 64 KiB (SPEC §3). */
export const MAX_EVENT_BYTES = 65_536;
/** `time` more than 5 min ahead of the ingest clock is `time_in_future` (SPEC §3). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** `time` more than 24 h before it was received is stored with `late = true` (SPEC §3). */
export const LATE_AFTER_MS = 24 * 3_600_000;
