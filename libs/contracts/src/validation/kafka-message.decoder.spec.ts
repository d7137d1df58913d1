import { aControlResultEvent } from '../testing/control-result.factory';
import { DecodeResult, ValidatedResult, validateCloudEvent } from './control-result.validator';
import { KafkaHeaderValue, KafkaMessageLike, decodeKafkaMessage } from './kafka-message.decoder';
import { MAX_DATA_DEPTH, MAX_EVENT_BYTES } from './rejection';

const RECEIVED_AT = new Date('2026-11-29T10:05:00Z');

function structured(event: unknown, headers?: Record<string, KafkaHeaderValue>): KafkaMessageLike {
  return { value: Buffer.from(JSON.stringify(event), 'utf8'), headers };
}

/** The same event in the Kafka binary content mode: ce_* headers, data as the value. */
function binary(event: Record<string, unknown>, asBuffers = false): KafkaMessageLike {
  const headers: Record<string, KafkaHeaderValue> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || typeof value !== 'string') continue;
    const header = name === 'datacontenttype' ? 'content-type' : `ce_${name}`;
    headers[header] = asBuffers ? Buffer.from(value, 'utf8') : value;
  }
  return {
    value: event.data === undefined ? null : Buffer.from(JSON.stringify(event.data), 'utf8'),
    headers,
  };
}

function decode(message: KafkaMessageLike, receivedAt = RECEIVED_AT): DecodeResult {
  return decodeKafkaMessage(message, receivedAt);
}

function accepted(message: KafkaMessageLike): ValidatedResult {
  const outcome = decode(message);
  if (!outcome.ok) throw new Error(`expected acceptance, got ${outcome.code}: ${outcome.message}`);
  return outcome.result;
}

describe(decodeKafkaMessage.name, () => {
  describe('structured mode', () => {
    it('decodes the event when there is no content-type header', () => {
      const event = aControlResultEvent();
      const viaKafka = accepted(structured(event));
      const direct = validateCloudEvent(
        event,
        Buffer.byteLength(JSON.stringify(event)),
        RECEIVED_AT,
      );
      expect(direct.ok && direct.result).toEqual(viaKafka);
    });

    it('decodes the event when content-type is application/cloudevents+json', () => {
      const result = accepted(
        structured(aControlResultEvent(), {
          'content-type': 'application/cloudevents+json; charset=UTF-8',
        }),
      );
      expect(result.serviceId).toBe('payments-api');
    });

    it('prefers the structured value when ce_ headers come with a cloudevents content-type', () => {
      const message = structured(aControlResultEvent(), {
        'content-type': Buffer.from('application/cloudevents+json'),
        ce_specversion: '1.0',
      });
      expect(accepted(message).controlId).toBe('mfa-enforced');
    });

    it('rejects a value that is not JSON as malformed_json', () => {
      const outcome = decode({ value: Buffer.from('{"specversion":"1.0",', 'utf8') });
      expect(outcome).toMatchObject({ ok: false, code: 'malformed_json' });
      expect(!outcome.ok && outcome.message).toMatch(/^the message value is not valid JSON: /);
    });

    it('rejects a value that is not UTF-8 as malformed_json', () => {
      const outcome = decode({ value: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
      expect(outcome).toMatchObject({
        ok: false,
        code: 'malformed_json',
        message: expect.stringMatching(/not valid UTF-8/),
      });
    });

    it('rejects a message without a value as malformed_json', () => {
      expect(decode({ value: null })).toMatchObject({ ok: false, code: 'malformed_json' });
      expect(decode({ value: Buffer.alloc(0) })).toMatchObject({
        ok: false,
        code: 'malformed_json',
      });
    });

    it('rejects a JSON array or scalar as invalid_envelope', () => {
      expect(decode(structured([aControlResultEvent()]))).toMatchObject({
        ok: false,
        code: 'invalid_envelope',
      });
      expect(decode(structured('hello'))).toMatchObject({ ok: false, code: 'invalid_envelope' });
    });

    it.each(['"x"', '123', 'true', 'null'])(
      'rejects the bare JSON scalar %s as invalid_envelope, as HTTP ingest does',
      (value) => {
        expect(decode({ value: Buffer.from(value, 'utf8') })).toMatchObject({
          ok: false,
          code: 'invalid_envelope',
          pointer: '',
          message: expect.stringMatching(/^the event must be a JSON object/),
        });
      },
    );

    it('rejects a NUL character in an attribute as invalid_envelope and in data as invalid_data', () => {
      expect(decode(structured(aControlResultEvent({ id: 'run\u00001' })))).toMatchObject({
        ok: false,
        code: 'invalid_envelope',
        pointer: '/id',
      });
      expect(
        decode(structured(aControlResultEvent({}, { evidence: { summary: 'ok\u0000' } }))),
      ).toMatchObject({ ok: false, code: 'invalid_data', pointer: '/data/evidence/summary' });
    });

    it('rejects data nested too deeply as invalid_data, without overflowing the stack', () => {
      // 30,000 levels fit in 64 KiB, far more than JSON.stringify or canonical JSON can recurse.
      const levels = 30_000;
      const text = JSON.stringify(aControlResultEvent({}, { details: { deep: 0 } })).replace(
        '"deep":0',
        `"deep":${'['.repeat(levels)}${']'.repeat(levels)}`,
      );
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_EVENT_BYTES);
      expect(decode({ value: Buffer.from(text, 'utf8') })).toMatchObject({
        ok: false,
        code: 'invalid_data',
        pointer: `/data/details/deep${'/0'.repeat(MAX_DATA_DEPTH - 2)}`,
        message: expect.stringMatching(/more than 64 levels deep/),
      });
    });

    it('rejects a batch content-type: one event per message', () => {
      const outcome = decode(
        structured([aControlResultEvent()], {
          'content-type': 'application/cloudevents-batch+json',
        }),
      );
      expect(outcome).toMatchObject({
        ok: false,
        code: 'invalid_envelope',
        message: expect.stringMatching(/one event per message/),
      });
    });

    it('accepts a value of exactly 64 KiB and rejects one byte more, before parsing', () => {
      const event = aControlResultEvent({}, { details: { padding: '' } });
      const base = Buffer.byteLength(JSON.stringify(event));
      (event.data as { details: { padding: string } }).details.padding = 'x'.repeat(
        MAX_EVENT_BYTES - base,
      );
      expect(accepted(structured(event)).controlId).toBe('mfa-enforced');
      const tooLarge = Buffer.concat([Buffer.from(JSON.stringify(event)), Buffer.from(' ')]);
      expect(decode({ value: tooLarge })).toMatchObject({ ok: false, code: 'payload_too_large' });
      expect(decode({ value: Buffer.alloc(MAX_EVENT_BYTES + 1, 0xff) })).toMatchObject({
        ok: false,
        code: 'payload_too_large',
      });
    });

    it('rejects an event too far in the future as time_in_future', () => {
      const outcome = decode(structured(aControlResultEvent({ time: '2026-11-29T10:10:00.001Z' })));
      expect(outcome).toMatchObject({ ok: false, code: 'time_in_future', pointer: '/time' });
    });
  });

  describe('binary mode', () => {
    it('gives the same result, canonical form and sha256 as structured mode', () => {
      const event = aControlResultEvent({
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
      const fromStructured = accepted(structured(event));
      const fromBinary = accepted(binary(event));
      const fromBufferHeaders = accepted(binary(event, true));
      expect(fromBinary).toEqual(fromStructured);
      expect(fromBufferHeaders.sha256).toBe(fromStructured.sha256);
      expect(fromBinary.canonical).toBe(fromStructured.canonical);
    });

    it('gives the same sha256 when datacontenttype is absent in both modes', () => {
      const event = aControlResultEvent({ datacontenttype: undefined });
      expect(accepted(binary(event)).sha256).toBe(accepted(structured(event)).sha256);
    });

    it('gives the same sha256 with unicode data in both modes', () => {
      const event = aControlResultEvent({}, { evidence: { summary: 'Überprüft ✅ 检查 🚀' } });
      expect(accepted(binary(event)).sha256).toBe(accepted(structured(event)).sha256);
    });

    it('reads header names case-insensitively', () => {
      const message = binary(aControlResultEvent());
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k.toUpperCase(), v]),
      );
      expect(accepted({ ...message, headers }).serviceId).toBe('payments-api');
    });

    it('rejects binary mode without data as invalid_data', () => {
      const outcome = decode(binary(aControlResultEvent({ data: undefined })));
      expect(outcome).toMatchObject({ ok: false, code: 'invalid_data', pointer: '/data' });
    });

    it('rejects data that is not JSON as malformed_json', () => {
      const message = { ...binary(aControlResultEvent()), value: Buffer.from('controlId=mfa') };
      expect(decode(message)).toMatchObject({ ok: false, code: 'malformed_json' });
    });

    it('rejects a non-JSON content-type as invalid_envelope before reading the value', () => {
      const message = binary(aControlResultEvent({ datacontenttype: 'text/plain' }));
      expect(decode({ ...message, value: Buffer.from('pass') })).toMatchObject({
        ok: false,
        code: 'invalid_envelope',
        pointer: '/datacontenttype',
      });
    });

    it('rejects a missing ce_subject as invalid_envelope', () => {
      expect(decode(binary(aControlResultEvent({ subject: undefined })))).toMatchObject({
        ok: false,
        code: 'invalid_envelope',
        message: expect.stringMatching(/^subject is required/),
      });
    });

    it('rejects a repeated ce_ header as invalid_envelope', () => {
      const message = binary(aControlResultEvent());
      const headers = { ...message.headers, ce_id: ['a', 'b'] };
      expect(decode({ ...message, headers })).toMatchObject({
        ok: false,
        code: 'invalid_envelope',
        pointer: '/id',
      });
    });

    it('rejects a NUL character in a ce_ header as invalid_envelope', () => {
      const message = binary(aControlResultEvent());
      const headers = { ...message.headers, ce_source: Buffer.from('//ci\u0000/checks', 'utf8') };
      expect(decode({ ...message, headers })).toMatchObject({
        ok: false,
        code: 'invalid_envelope',
        pointer: '/source',
        message: expect.stringMatching(/^source must not contain the NUL character/),
      });
    });

    it('rejects a NUL character or deep nesting in the data value as invalid_data', () => {
      const withNul = binary(aControlResultEvent({}, { details: { 'k\u0000': 1 } }));
      expect(decode(withNul)).toMatchObject({
        ok: false,
        code: 'invalid_data',
        pointer: '/data/details/k\u0000',
      });
      const levels = 30_000;
      const deep = {
        ...binary(aControlResultEvent()),
        value: Buffer.from(
          `{"controlId":"c","outcome":"pass","details":{"deep":${'['.repeat(levels)}${']'.repeat(levels)}}}`,
        ),
      };
      expect(decode(deep)).toMatchObject({
        ok: false,
        code: 'invalid_data',
        pointer: `/data/details/deep${'/0'.repeat(MAX_DATA_DEPTH - 2)}`,
      });
    });

    it('counts ce_ headers in the 64 KiB limit', () => {
      const message = binary(aControlResultEvent());
      const headers = { ...message.headers, ce_padding: 'x'.repeat(MAX_EVENT_BYTES) };
      expect(decode({ ...message, headers })).toMatchObject({
        ok: false,
        code: 'payload_too_large',
      });
    });
  });
});
