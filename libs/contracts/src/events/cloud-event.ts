/** CloudEvents 1.0 (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md). */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** Media types of the CloudEvents JSON format (structured mode) and its batch form. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';

/** `Application/CloudEvents+JSON; charset=utf-8` → `application/cloudevents+json`. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim().toLowerCase();
}

/** Prefix of CloudEvents attribute headers in the Kafka binary content mode. */
export const KAFKA_CE_HEADER_PREFIX = 'ce_';

/** Attribute names: lower-case ASCII letters and digits only (CloudEvents 1.0 §"Attribute Naming Convention"). */
export const CLOUDEVENT_ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/** The attributes every event of ours carries (CloudEvents REQUIRED plus the ones SPEC §3 requires). */
export const REQUIRED_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
] as const;

/** A CloudEvent in the structured JSON format, with JSON `data`. */
export interface CloudEvent<TData> {
  specversion: typeof CLOUDEVENTS_SPEC_VERSION;
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype?: string;
  dataschema?: string;
  data: TData;
  /** Extension attributes. */
  [extension: string]: unknown;
}
