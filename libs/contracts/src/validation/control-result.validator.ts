import { instantText } from '@vigil/domain';
import { CLOUDEVENT_ATTRIBUTE_NAME, CLOUDEVENTS_SPEC_VERSION } from '../events/cloud-event';
import {
  CONTROL_RESULT_V1_TYPE,
  OUTCOMES,
  Outcome,
  RESOURCE_ID_PATTERN,
} from '../events/control-result.v1';
import { canonicalJsonMerged, sha256Hex } from './canonical-json';
import {
  FUTURE_TOLERANCE_MS,
  LATE_AFTER_MS,
  MAX_DATA_DEPTH,
  MAX_EVENT_BYTES,
  RejectionCode,
} from './rejection';

/** A control result that passed every check of SPEC §3, ready to be stored or produced. */
export interface ValidatedResult {
  /** CloudEvents identity: (`source`, `id`). */
  source: string;
  id: string;
  /** The event's `subject`. */
  serviceId: string;
  controlId: string;
  outcome: Outcome;
  /** Event time: when the test ran, to the millisecond. */
  time: Date;
  /** The microseconds of `time` within its millisecond (0–999); finer digits are cut. */
  timeMicros: number;
  evidence: Record<string, unknown> | null;
  test: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
  /** Hex SHA-256 of the UTF-8 bytes of `canonical`. */
  sha256: string;
  /** The canonical structured-mode JSON of the event; see {@link canonicalEventJson}. */
  canonical: string;
}

export interface Rejection {
  ok: false;
  code: RejectionCode;
  /** What to fix, naming the field and what was expected. */
  message: string;
  /** JSON Pointer (RFC 6901) into the structured event of the offending field, when there is one. */
  pointer?: string;
}

export type DecodeResult = { ok: true; result: ValidatedResult } | Rejection;

/** Signals a rejection from deep inside the checks; never escapes this library. */
export class EventRejection extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
    readonly pointer?: string,
  ) {
    super(message);
    this.name = 'EventRejection';
  }

  toResult(): Rejection {
    return this.pointer === undefined
      ? { ok: false, code: this.code, message: this.message }
      : { ok: false, code: this.code, message: this.message, pointer: this.pointer };
  }
}

const ID_RULE = `${RESOURCE_ID_PATTERN.source} (1-128 characters: letters, digits, ".", "_", ":", "-", starting with a letter or digit)`;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const JSON_MEDIA_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*(?:"[^"]*"|[^;\s]+)\s*)?$/i;
/**
 * What PostgreSQL cannot store in `text` or `jsonb`: U+0000, and a surrogate that is not half of
 * a pair (`"\ud800"` is valid JSON, but no character). An event holding one could never be
 * stored, so it is refused up front rather than accepted and dead-lettered later.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be found
const UNSTORABLE = /\u0000|\p{Cs}/u;
const UNSTORABLE_TEXT = 'the NUL character (U+0000) or an unpaired surrogate';
const MIN_TIME_MS = Date.UTC(1970, 0, 1);
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Attributes with their own rules; every other attribute is an extension. */
const CORE_ATTRIBUTES = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'data',
]);

/**
 * Validates one structured-mode CloudEvent (already parsed JSON) against SPEC §3.
 * `byteLength` is the size of the event as received (UTF-8 bytes); it is checked first.
 * `receivedAt` is the ingest clock, for the `time_in_future` rule.
 */
export function validateCloudEvent(
  event: unknown,
  byteLength: number,
  receivedAt: Date,
): DecodeResult {
  try {
    return { ok: true, result: checkEvent(event, byteLength, receivedAt) };
  } catch (error) {
    if (error instanceof EventRejection) return error.toResult();
    throw error;
  }
}

/** A result is late when its `time` lies more than 24 h before it was received (SPEC §3). */
export function isLate(time: Date, receivedAt: Date): boolean {
  return receivedAt.getTime() - time.getTime() > LATE_AFTER_MS;
}

/**
 * The canonical form of an event, from which `ValidatedResult.sha256` is computed and which
 * HTTP ingest produces to Kafka. An auditor can recompute it from any delivery of the event:
 *
 * 1. Take the event's attributes in structured mode (in Kafka binary mode: the `ce_<name>`
 *    headers as strings, `content-type` as `datacontenttype`, the message value as `data`):
 *    `specversion`, `id`, `source`, `type`, `time`, `subject`, `datacontenttype` (left out
 *    when absent), every other attribute (extensions, `dataschema`) under its lower-case name
 *    with its value as given, and `data` as parsed JSON. Optional attributes whose value is
 *    JSON `null` are left out.
 * 2. Replace `time` by the same instant written as `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC, exactly
 *    three fraction digits; digits beyond milliseconds are truncated).
 * 3. Serialize as RFC 8785 canonical JSON: members sorted by the UTF-16 code units of their
 *    names at every level, no whitespace, strings and numbers as ECMAScript `JSON.stringify`.
 *
 * `sha256` is the lower-case hex SHA-256 of the UTF-8 bytes of that text. The same event sent
 * in structured or binary mode, with any key order or whitespace, has the same canonical form.
 */
export function canonicalEventJson(
  attributes: Record<string, unknown>,
  time: Date,
  data: unknown,
  timeMicros = 0,
): string {
  // Millisecond-precise times keep toISOString()'s form, so their canonical form (and hash)
  // is what it always was.
  return canonicalJsonMerged(attributes, { time: instantText(time, timeMicros), data });
}

/** Throws `payload_too_large` when an event of `byteLength` UTF-8 bytes exceeds the limit. */
export function assertEventSize(byteLength: number): void {
  if (byteLength > MAX_EVENT_BYTES) {
    throw new EventRejection(
      'payload_too_large',
      `the event is ${byteLength} bytes; at most ${MAX_EVENT_BYTES} bytes (64 KiB) are accepted per event: keep large evidence elsewhere and reference it in data.evidence.uri`,
    );
  }
}

function checkEvent(event: unknown, byteLength: number, receivedAt: Date): ValidatedResult {
  assertEventSize(byteLength);
  if (!isPlainObject(event)) {
    throw new EventRejection(
      'invalid_envelope',
      `the event must be a JSON object (a CloudEvent in structured mode), got ${describeValue(event)}`,
      '',
    );
  }
  return completeResult(checkEnvelope(event), event.data, receivedAt);
}

/** The checked attributes of an event: everything but `data`. */
export interface Envelope {
  id: string;
  source: string;
  serviceId: string;
  /** `time` as written, for messages. */
  rawTime: string;
  time: Date;
  /** Microseconds within `time`'s millisecond. */
  timeMicros: number;
  /** The attributes that enter the canonical form (optional ones that are null left out). */
  attributes: Record<string, unknown>;
}

/**
 * Checks every attribute of an event except `data` (`invalid_envelope`). The Kafka binary mode
 * calls it on the headers before it parses the value, so a wrong content type is named first.
 */
export function checkEnvelope(event: Record<string, unknown>): Envelope {
  if (event.specversion !== CLOUDEVENTS_SPEC_VERSION) {
    throw new EventRejection(
      'invalid_envelope',
      `specversion must be "${CLOUDEVENTS_SPEC_VERSION}", got ${describeValue(event.specversion)}`,
      '/specversion',
    );
  }
  const id = requiredString(
    event,
    'id',
    'a non-empty string, unique for this source (e.g. a UUID)',
  );
  const source = requiredString(
    event,
    'source',
    'a non-empty URI-reference naming the producer, e.g. "//ci.acme.dev/checks/mfa"',
  );
  const type = requiredString(event, 'type', `"${CONTROL_RESULT_V1_TYPE}"`);
  if (type !== CONTROL_RESULT_V1_TYPE) {
    throw new EventRejection(
      'invalid_envelope',
      `type must be "${CONTROL_RESULT_V1_TYPE}", got ${describeValue(type)}`,
      '/type',
    );
  }
  const rawTime = requiredString(
    event,
    'time',
    'an RFC 3339 date-time with offset, e.g. "2026-11-29T10:02:11Z"',
  );
  const { time, micros: timeMicros } = parseEventInstant(rawTime);
  const serviceId = requiredString(event, 'subject', `the service id, matching ${ID_RULE}`);
  if (!RESOURCE_ID_PATTERN.test(serviceId)) {
    throw new EventRejection(
      'invalid_envelope',
      `subject must be the service id, matching ${ID_RULE}; got ${describeValue(serviceId)}`,
      '/subject',
    );
  }
  const contentType = event.datacontenttype;
  if (
    contentType !== null &&
    contentType !== undefined &&
    (typeof contentType !== 'string' || !JSON_MEDIA_TYPE.test(contentType.trim()))
  ) {
    throw new EventRejection(
      'invalid_envelope',
      `datacontenttype must be "application/json" (optionally with "; charset=utf-8") or left out, got ${describeValue(contentType)}`,
      '/datacontenttype',
    );
  }

  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data') continue;
    if (name === 'data_base64') {
      throw new EventRejection(
        'invalid_data',
        'data must be JSON in the "data" member; data_base64 is not accepted',
        '/data_base64',
      );
    }
    if (!CLOUDEVENT_ATTRIBUTE_NAME.test(name)) {
      throw new EventRejection(
        'invalid_envelope',
        `attribute ${JSON.stringify(name)} is not a valid CloudEvents attribute name: use lower-case letters a-z and digits 0-9 only`,
        pointer(name),
      );
    }
    if (value === null) continue;
    if (!CORE_ATTRIBUTES.has(name)) {
      if (
        typeof value !== 'string' &&
        typeof value !== 'boolean' &&
        !(typeof value === 'number' && Number.isFinite(value))
      ) {
        throw new EventRejection(
          'invalid_envelope',
          `extension attribute ${name} must be a string, number or boolean, got ${describeValue(value)}`,
          pointer(name),
        );
      }
    }
    if (typeof value === 'string' && UNSTORABLE.test(value)) {
      throw new EventRejection(
        'invalid_envelope',
        `${name} must not contain ${UNSTORABLE_TEXT}, which cannot be stored; got ${describeValue(value)}`,
        pointer(name),
      );
    }
    attributes[name] = value;
  }

  return { id, source, serviceId, rawTime, time, timeMicros, attributes };
}

/** Checks `data` (`invalid_data`) and the clock (`time_in_future`), and builds the result. */
export function completeResult(
  envelope: Envelope,
  rawData: unknown,
  receivedAt: Date,
): ValidatedResult {
  const { id, source, serviceId, rawTime, time, timeMicros, attributes } = envelope;
  const data = checkData(rawData);
  if (time.getTime() - receivedAt.getTime() > FUTURE_TOLERANCE_MS) {
    throw new EventRejection(
      'time_in_future',
      `time ${rawTime} is ${formatDuration(time.getTime() - receivedAt.getTime())} ahead of the ingest clock (${receivedAt.toISOString()}); at most 5 min ahead is tolerated: check the producer's clock (NTP) and that time carries the right UTC offset`,
      '/time',
    );
  }

  const canonical = canonicalEventJson(attributes, time, rawData, timeMicros);
  return {
    source,
    id,
    serviceId,
    controlId: data.controlId,
    outcome: data.outcome,
    time,
    timeMicros,
    evidence: data.evidence,
    test: data.test,
    details: data.details,
    sha256: sha256Hex(canonical),
    canonical,
  };
}

interface CheckedData {
  controlId: string;
  outcome: Outcome;
  evidence: Record<string, unknown> | null;
  test: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
}

function checkData(data: unknown): CheckedData {
  if (data === undefined) {
    throw new EventRejection(
      'invalid_data',
      'data is required: a JSON object with controlId and outcome, e.g. {"controlId":"mfa-enforced","outcome":"pass"}',
      '/data',
    );
  }
  if (!isPlainObject(data)) {
    throw new EventRejection(
      'invalid_data',
      `data must be a JSON object with controlId and outcome, got ${describeValue(data)}`,
      '/data',
    );
  }
  const controlId = data.controlId;
  if (typeof controlId !== 'string' || !RESOURCE_ID_PATTERN.test(controlId)) {
    throw new EventRejection(
      'invalid_data',
      `data.controlId must be the control id, matching ${ID_RULE}; got ${describeValue(controlId)}`,
      '/data/controlId',
    );
  }
  const outcome = data.outcome;
  if (typeof outcome !== 'string' || !(OUTCOMES as readonly string[]).includes(outcome)) {
    throw new EventRejection(
      'invalid_data',
      `data.outcome must be one of ${OUTCOMES.map((o) => `"${o}"`).join(', ')}; got ${describeValue(outcome)}`,
      '/data/outcome',
    );
  }
  const evidence = optionalObject(data, 'evidence', ['uri', 'sha256', 'summary']);
  const test = optionalObject(data, 'test', ['id', 'version']);
  const details = optionalObject(data, 'details', []);
  checkStorable(data);
  return { controlId, outcome: outcome as Outcome, evidence, test, details };
}

/** A member of `data` met by {@link checkStorable}, linked to its parent for its pointer. */
interface DataNode {
  value: unknown;
  /** `data` is level 1. */
  depth: number;
  /** The member name or array index under the parent; `data` for the root. */
  name: string;
  parent: DataNode | null;
}

/**
 * Rejects `data` that could not be stored or walked safely: a NUL character or an unpaired
 * surrogate in any string or member name, or nesting deeper than MAX_DATA_DEPTH. It walks iteratively, in document order,
 * because the value may nest too deeply to recurse; it runs before anything recursive
 * (canonical JSON, storage), on the Kafka and the HTTP path alike.
 */
function checkStorable(data: Record<string, unknown>): void {
  if (!isStorable(data)) locateUnstorable(data);
}

/**
 * {@link checkStorable}'s common case, on every event of the ingest path: a walk that builds no
 * node per value and keeps no names, so it costs little when nothing is wrong.
 */
function isStorable(data: Record<string, unknown>): boolean {
  const values: unknown[] = [data];
  const depths: number[] = [1];
  for (;;) {
    const value = values.pop();
    const depth = depths.pop();
    if (depth === undefined) return true;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return false;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DATA_DEPTH) return false;
    if (Array.isArray(value)) {
      for (const item of value) {
        values.push(item);
        depths.push(depth + 1);
      }
    } else {
      for (const name of Object.keys(value)) {
        if (UNSTORABLE.test(name)) return false;
        values.push((value as Record<string, unknown>)[name]);
        depths.push(depth + 1);
      }
    }
  }
}

/** Throws the rejection of the first unstorable member of `data`, in document order. */
function locateUnstorable(data: Record<string, unknown>): void {
  const stack: DataNode[] = [{ value: data, depth: 1, name: 'data', parent: null }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (UNSTORABLE.test(node.name)) {
      throw new EventRejection(
        'invalid_data',
        `data must not contain ${UNSTORABLE_TEXT}, which cannot be stored: found in the member name at ${JSON.stringify(pointerOf(node))}`,
        pointerOf(node),
      );
    }
    const { value, depth } = node;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) {
        throw new EventRejection(
          'invalid_data',
          `data must not contain ${UNSTORABLE_TEXT}, which cannot be stored: found in the string at ${JSON.stringify(pointerOf(node))}`,
          pointerOf(node),
        );
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DATA_DEPTH) {
      throw new EventRejection(
        'invalid_data',
        `data must not nest objects and arrays more than ${MAX_DATA_DEPTH} levels deep (data itself is level 1); flatten it: level ${depth} starts at ${JSON.stringify(pointerOf(node))}`,
        pointerOf(node),
      );
    }
    // Pushed last to first, so that members are met in document order.
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i], depth: depth + 1, name: String(i), parent: node });
      }
    } else {
      const record = value as Record<string, unknown>;
      const names = Object.keys(record);
      for (let i = names.length - 1; i >= 0; i--) {
        stack.push({ value: record[names[i]], depth: depth + 1, name: names[i], parent: node });
      }
    }
  }
}

function pointerOf(node: DataNode): string {
  const names: string[] = [];
  for (let n: DataNode | null = node; n !== null; n = n.parent) names.push(n.name);
  return names.reverse().map(pointer).join('');
}

/** An optional object member of `data`; JSON `null` counts as absent. */
function optionalObject(
  data: Record<string, unknown>,
  name: string,
  stringFields: string[],
): Record<string, unknown> | null {
  const value = data[name];
  if (value === undefined || value === null) return null;
  if (!isPlainObject(value)) {
    throw new EventRejection(
      'invalid_data',
      `data.${name} must be a JSON object when present, got ${describeValue(value)}`,
      `/data/${name}`,
    );
  }
  for (const field of stringFields) {
    const member = value[field];
    if (member !== undefined && member !== null && typeof member !== 'string') {
      throw new EventRejection(
        'invalid_data',
        `data.${name}.${field} must be a string when present, got ${describeValue(member)}`,
        `/data/${name}/${field}`,
      );
    }
  }
  return value;
}

function requiredString(event: Record<string, unknown>, name: string, expected: string): string {
  const value = event[name];
  if (value === undefined || value === null) {
    throw new EventRejection('invalid_envelope', `${name} is required: ${expected}`, pointer(name));
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new EventRejection(
      'invalid_envelope',
      `${name} must be ${expected}, got ${describeValue(value)}`,
      pointer(name),
    );
  }
  return value;
}

/** RFC 3339 `date-time` with a mandatory offset, checked field by field (no Date.parse leniency). */
export function parseEventTime(raw: string): Date {
  return parseEventInstant(raw).time;
}

/**
 * {@link parseEventTime}, with the microseconds within the millisecond (fraction digits 4 to
 * 6; finer digits are cut, as PostgreSQL keeps microseconds).
 */
function parseEventInstant(raw: string): { time: Date; micros: number } {
  const m = RFC3339.exec(raw);
  if (!m) return badTime(raw, 'not in the form YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)');
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const fraction = m[7] ?? '';
  if (month < 1 || month > 12) badTime(raw, 'month out of range');
  if (day < 1 || day > daysInMonth(year, month)) badTime(raw, 'day out of range for the month');
  if (hour > 23) badTime(raw, 'hour out of range');
  if (minute > 59) badTime(raw, 'minute out of range');
  if (second > 59) {
    badTime(raw, second === 60 ? 'leap seconds are not supported' : 'second out of range');
  }
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetMins = Number(m[10]);
    if (offsetHours > 23 || offsetMins > 59) badTime(raw, 'offset out of range');
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const micros = fraction.length > 3 ? Number(fraction.slice(3, 6).padEnd(3, '0')) : 0;
  // Date.UTC reads years 0-99 as 1900-1999; those years go the long way.
  let local: number;
  if (year >= 100) {
    local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  } else {
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, millis);
    local = date.getTime();
  }
  const instant = local - offsetMinutes * 60_000;
  if (instant < MIN_TIME_MS || instant > MAX_TIME_MS) {
    badTime(raw, 'must lie between 1970 and 9999 UTC');
  }
  return { time: new Date(instant), micros };
}

function badTime(raw: string, why: string): never {
  throw new EventRejection(
    'invalid_envelope',
    `time must be an RFC 3339 date-time with offset, e.g. "2026-11-29T10:02:11Z" or "2026-11-29T11:02:11+01:00"; got ${describeValue(raw)} (${why})`,
    '/time',
  );
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function formatDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const parts = [hours > 0 ? `${hours} h` : '', minutes > 0 ? `${minutes} min` : ''];
  if (seconds > 0 || (hours === 0 && minutes === 0)) parts.push(`${seconds} s`);
  return parts.filter(Boolean).join(' ');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pointer(name: string): string {
  return `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** How a wrong value is quoted back to the producer: short, and never the whole payload. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      if (value.length === 0) return 'an empty string';
      const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
      return `${JSON.stringify(shown)}${value.length > 80 ? ` (${value.length} characters)` : ''}`;
    }
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
    case 'undefined':
      return 'nothing';
    case 'bigint':
    case 'function':
    case 'symbol':
      return `a ${typeof value}`;
  }
}
