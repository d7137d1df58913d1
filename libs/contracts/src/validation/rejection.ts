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
/**
 * Most levels of objects and arrays within each other in `data` (`data` itself is level 1);
 * deeper is `invalid_data`. Storing, hashing and serialising an event recurse, and JSON.parse
 * accepts nesting deep enough to overflow the stack.
 */
export const MAX_DATA_DEPTH = 64;
/** `time` more than 5 min ahead of the ingest clock is `time_in_future` (SPEC §3). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** `time` more than 24 h before it was received is stored with `late = true` (SPEC §3). */
export const LATE_AFTER_MS = 24 * 3_600_000;
