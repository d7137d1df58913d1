import { CLOUDEVENTS_BATCH_JSON, KAFKA_CE_HEADER_PREFIX, mediaTypeOf } from '../events/cloud-event';
import {
  DecodeResult,
  EventRejection,
  assertEventSize,
  checkEnvelope,
  completeResult,
  describeValue,
  validateCloudEvent,
} from './control-result.validator';

export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** The parts of a Kafka record the decoder reads (kafkajs's `KafkaMessage` fits). */
export interface KafkaMessageLike {
  value: Buffer | null;
  headers?: Record<string, KafkaHeaderValue>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and validates one record of the results topic (SPEC §3), following the CloudEvents
 * Kafka protocol binding:
 * - structured mode: the value is the CloudEvent JSON; a `content-type` header, if present,
 *   is `application/cloudevents+json`. Used whenever there is no `ce_specversion` header.
 * - binary mode: attributes in `ce_<name>` headers (`ce_specversion`, `ce_id`, `ce_source`,
 *   `ce_type`, `ce_time`, `ce_subject`, extensions), `datacontenttype` in `content-type`,
 *   the value is the JSON `data`. Its size is the value plus the `ce_` header names and values.
 * Both modes give the same `ValidatedResult`, canonical form and sha256 for the same event.
 */
export function decodeKafkaMessage(message: KafkaMessageLike, receivedAt: Date): DecodeResult {
  try {
    return decode(message, receivedAt);
  } catch (error) {
    if (error instanceof EventRejection) return error.toResult();
    throw error;
  }
}

function decode(message: KafkaMessageLike, receivedAt: Date): DecodeResult {
  const headers = normalizeHeaders(message.headers ?? {});
  const contentType = single(headers, 'content-type');
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === CLOUDEVENTS_BATCH_JSON) {
    throw new EventRejection(
      'invalid_envelope',
      `content-type ${CLOUDEVENTS_BATCH_JSON} is not accepted on Kafka: send one event per message`,
    );
  }
  const structured =
    mediaType?.startsWith('application/cloudevents') === true || !headers.has('ce_specversion');
  return structured
    ? decodeStructured(message.value, receivedAt)
    : decodeBinary(message.value, headers, contentType, receivedAt);
}

function decodeStructured(value: Buffer | null, receivedAt: Date): DecodeResult {
  if (value === null || value.length === 0) {
    throw new EventRejection(
      'malformed_json',
      'the message has no value: in structured mode the value must be the CloudEvent JSON (or send ce_* headers for binary mode)',
    );
  }
  assertEventSize(value.length);
  return validateCloudEvent(parseJson(value, 'the message value'), value.length, receivedAt);
}

function decodeBinary(
  value: Buffer | null,
  headers: Map<string, string[]>,
  contentType: string | undefined,
  receivedAt: Date,
): DecodeResult {
  const ceHeaders = [...headers].filter(([name]) => name.startsWith(KAFKA_CE_HEADER_PREFIX));
  const byteLength = ceHeaders.reduce(
    (n, [name, values]) =>
      n +
      Buffer.byteLength(name, 'utf8') +
      values.reduce((m, v) => m + Buffer.byteLength(v, 'utf8'), 0),
    value?.length ?? 0,
  );
  assertEventSize(byteLength);
  const event: Record<string, unknown> = {};
  for (const [name, values] of ceHeaders) {
    const attribute = name.slice(KAFKA_CE_HEADER_PREFIX.length);
    if (values.length > 1) {
      throw new EventRejection(
        'invalid_envelope',
        `header ${name} must appear once, found ${values.length} times`,
        `/${attribute}`,
      );
    }
    if (attribute === 'data' || attribute === 'datacontenttype') {
      throw new EventRejection(
        'invalid_envelope',
        `header ${name} is not allowed in binary mode: put data in the message value and its media type in the content-type header`,
        `/${attribute}`,
      );
    }
    event[attribute] = values[0];
  }
  if (contentType !== undefined) event.datacontenttype = contentType;
  const envelope = checkEnvelope(event);
  const data =
    value === null || value.length === 0
      ? undefined
      : parseJson(value, 'the message value (the event data in binary mode)');
  return { ok: true, result: completeResult(envelope, data, receivedAt) };
}

function parseJson(bytes: Buffer, what: string): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new EventRejection(
      'malformed_json',
      `${what} is not valid UTF-8: JSON must be encoded in UTF-8`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EventRejection('malformed_json', `${what} is not valid JSON: ${reason}`);
  }
}

function normalizeHeaders(raw: Record<string, KafkaHeaderValue>): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const values = (Array.isArray(value) ? value : [value]).map((v) =>
      typeof v === 'string' ? v : v.toString('utf8'),
    );
    const key = name.toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), ...values]);
  }
  return headers;
}

function single(headers: Map<string, string[]>, name: string): string | undefined {
  const values = headers.get(name);
  if (values === undefined) return undefined;
  if (values.length > 1) {
    throw new EventRejection(
      'invalid_envelope',
      `header ${name} must appear once, found ${values.length} times (${values.map(describeValue).join(', ')})`,
    );
  }
  return values[0];
}
