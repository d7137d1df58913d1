import fc from 'fast-check';
import { aControlResultEvent, jsonByteLength } from '../testing/control-result.factory';
import { canonicalJson, sha256Hex } from './canonical-json';
import {
  EventRejection,
  DecodeResult,
  Rejection,
  ValidatedResult,
  isLate,
  parseEventTime,
  validateCloudEvent,
} from './control-result.validator';
import {
  FUTURE_TOLERANCE_MS,
  LATE_AFTER_MS,
  MAX_DATA_DEPTH,
  MAX_EVENT_BYTES,
  RejectionCode,
} from './rejection';

const RECEIVED_AT = new Date('2026-11-29T10:05:00Z');

function validate(event: unknown, receivedAt = RECEIVED_AT): DecodeResult {
  return validateCloudEvent(event, jsonByteLength(event), receivedAt);
}

function accepted(event: unknown, receivedAt = RECEIVED_AT): ValidatedResult {
  const outcome = validate(event, receivedAt);
  if (!outcome.ok) throw new Error(`expected acceptance, got ${outcome.code}: ${outcome.message}`);
  return outcome.result;
}

function rejected(event: unknown, receivedAt = RECEIVED_AT): Rejection {
  const outcome = validate(event, receivedAt);
  if (outcome.ok) throw new Error('expected a rejection, the event was accepted');
  return outcome;
}

function expectRejection(
  event: unknown,
  code: RejectionCode,
  message: RegExp,
  pointer?: string,
): void {
  const rejection = rejected(event);
  expect(rejection.code).toBe(code);
  expect(rejection.message).toMatch(message);
  if (pointer !== undefined) expect(rejection.pointer).toBe(pointer);
}

/** An event padded (in data.details.padding) to exactly `bytes` UTF-8 bytes when JSON.stringify'd. */
function eventOfSize(bytes: number, fill = 'x'): Record<string, unknown> {
  const event = aControlResultEvent({}, { details: { padding: '' } });
  const base = jsonByteLength(event);
  const fillBytes = Buffer.byteLength(fill, 'utf8');
  const count = Math.floor((bytes - base) / fillBytes);
  const rest = bytes - base - count * fillBytes;
  (event.data as { details: { padding: string } }).details.padding =
    fill.repeat(count) + 'y'.repeat(rest);
  expect(jsonByteLength(event)).toBe(bytes);
  return event;
}

/** `levels` objects within each other: `{"a":{"a":…{}}}`. */
function nestedObjects(levels: number): unknown {
  let value: unknown = {};
  for (let level = 1; level < levels; level++) value = { a: value };
  return value;
}

describe(validateCloudEvent.name, () => {
  describe('a valid event', () => {
    it('maps the SPEC §3 example to a validated result when every field is valid', () => {
      const result = accepted(aControlResultEvent());
      expect(result).toMatchObject({
        source: '//ci.acme.dev/checks/mfa',
        id: 'c0a8e0f2-6f1e-4a52-9a53-0b1f6f0f3b7e',
        serviceId: 'payments-api',
        controlId: 'mfa-enforced',
        outcome: 'pass',
        evidence: {
          uri: 's3://evidence/mfa/2026-11-29.json',
          sha256: '9f86d0',
          summary: '42/42 users have MFA',
        },
        test: { id: 'aws-iam-mfa-check', version: '1.4.2' },
        details: { checked: 42 },
      });
      expect(result.time.toISOString()).toBe('2026-11-29T10:02:11.000Z');
      expect(result.sha256).toBe(sha256Hex(result.canonical));
      expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    });

    it.each(['pass', 'fail', 'error', 'not_applicable'])('accepts outcome %s', (outcome) => {
      expect(accepted(aControlResultEvent({}, { outcome })).outcome).toBe(outcome);
    });

    it('gives null evidence, test and details when they are absent or JSON null', () => {
      const result = accepted(
        aControlResultEvent({}, { evidence: undefined, test: null, details: undefined }),
      );
      expect(result).toMatchObject({ evidence: null, test: null, details: null });
    });

    it('accepts datacontenttype with a charset and events without datacontenttype', () => {
      accepted(aControlResultEvent({ datacontenttype: 'application/json; charset=utf-8' }));
      accepted(aControlResultEvent({ datacontenttype: 'Application/JSON;charset="UTF-8"' }));
      accepted(aControlResultEvent({ datacontenttype: undefined }));
    });

    it('keeps unknown data members and extension attributes in the canonical form', () => {
      const result = accepted(
        aControlResultEvent(
          { traceparent: '00-abc-def-01', partitionkey: 'p1' },
          { runner: 'gha' },
        ),
      );
      const canonical = JSON.parse(result.canonical) as Record<string, unknown>;
      expect(canonical.traceparent).toBe('00-abc-def-01');
      expect(canonical.partitionkey).toBe('p1');
      expect((canonical.data as Record<string, unknown>).runner).toBe('gha');
    });

    it('keeps unicode in data as given when summaries use non-ASCII text', () => {
      const summary = 'Prüfung bestanden ✅ — 42/42 用户 𝔐𝔉𝔄';
      const event = aControlResultEvent({}, { evidence: { summary } });
      const result = accepted(event);
      expect(result.evidence).toEqual({ summary });
      expect(result.canonical).toContain(summary);
      expect(JSON.parse(result.canonical)).toMatchObject({ data: { evidence: { summary } } });
    });
  });

  describe('payload_too_large', () => {
    it('accepts an event of exactly 64 KiB', () => {
      const event = eventOfSize(MAX_EVENT_BYTES);
      expect(validateCloudEvent(event, MAX_EVENT_BYTES, RECEIVED_AT).ok).toBe(true);
    });

    it('rejects an event one byte over 64 KiB', () => {
      const event = eventOfSize(MAX_EVENT_BYTES + 1);
      expectRejection(event, 'payload_too_large', /65537 bytes; at most 65536 bytes/);
    });

    it('counts UTF-8 bytes, not characters, when the payload is multi-byte', () => {
      const event = eventOfSize(MAX_EVENT_BYTES + 2, '€');
      const chars = JSON.stringify(event).length;
      expect(chars).toBeLessThan(MAX_EVENT_BYTES);
      expectRejection(event, 'payload_too_large', /65538 bytes/);
    });

    it('checks the size before anything else when the oversized event is also invalid', () => {
      const outcome = validateCloudEvent('not even an object', MAX_EVENT_BYTES + 1, RECEIVED_AT);
      expect(outcome).toMatchObject({ ok: false, code: 'payload_too_large' });
    });
  });

  describe('invalid_envelope', () => {
    it.each([
      ['an array', [aControlResultEvent()]],
      ['a string', 'event'],
      ['a number', 42],
      ['null', null],
    ])('rejects %s as the event', (_what, event) => {
      expectRejection(event, 'invalid_envelope', /the event must be a JSON object/);
    });

    it.each([
      ['missing', undefined, /specversion must be "1.0", got nothing/],
      ['0.3', '0.3', /specversion must be "1.0", got "0.3"/],
      ['a number', 1, /specversion must be "1.0", got the number 1/],
    ])('rejects specversion %s', (_what, specversion, message) => {
      expectRejection(
        aControlResultEvent({ specversion }),
        'invalid_envelope',
        message,
        '/specversion',
      );
    });

    it.each(['id', 'source', 'type', 'time', 'subject'])('rejects an event without %s', (name) => {
      expectRejection(
        aControlResultEvent({ [name]: undefined }),
        'invalid_envelope',
        new RegExp(`^${name} is required`),
        `/${name}`,
      );
    });

    it.each(['id', 'source', 'type', 'time', 'subject'])(
      'rejects %s when it is empty or not a string',
      (name) => {
        expectRejection(
          aControlResultEvent({ [name]: '' }),
          'invalid_envelope',
          new RegExp(`^${name} must be .*got an empty string`),
        );
        expectRejection(
          aControlResultEvent({ [name]: 7 }),
          'invalid_envelope',
          new RegExp(`^${name} must be .*got the number 7`),
        );
      },
    );

    it('rejects another event type', () => {
      expectRejection(
        aControlResultEvent({ type: 'io.vigil.control.result.v2' }),
        'invalid_envelope',
        /type must be "io.vigil.control.result.v1", got "io.vigil.control.result.v2"/,
        '/type',
      );
    });

    it.each([
      ['without offset', '2026-11-29T10:02:11', /form YYYY-MM-DDTHH:MM:SS/],
      ['date only', '2026-11-29', /form/],
      ['with a space', '2026-11-29 10:02:11Z', /form/],
      ['epoch millis as string', '1764410531000', /form/],
      ['February 30th', '2026-02-30T00:00:00Z', /day out of range/],
      ['February 29th of a common year', '2025-02-29T00:00:00Z', /day out of range/],
      ['month 13', '2026-13-01T00:00:00Z', /month out of range/],
      ['hour 24', '2026-11-29T24:00:00Z', /hour out of range/],
      ['a leap second', '2016-12-31T23:59:60Z', /leap seconds/],
      ['offset +24:00', '2026-11-29T10:02:11+24:00', /offset out of range/],
      ['before 1970', '1969-12-31T23:59:59Z', /between 1970 and 9999/],
    ])('rejects time %s', (_what, time, why) => {
      const rejection = rejected(aControlResultEvent({ time }));
      expect(rejection).toMatchObject({ code: 'invalid_envelope', pointer: '/time' });
      expect(rejection.message).toMatch(/^time must be an RFC 3339 date-time with offset/);
      expect(rejection.message).toMatch(why);
    });

    it.each([
      ['a subject with a space', 'payments api'],
      ['a subject starting with a dot', '.payments'],
      ['a subject with a slash', 'payments/api'],
      ['a non-ASCII subject', 'zahlungs-äpi'],
      ['a subject of 129 characters', `s${'x'.repeat(128)}`],
    ])('rejects %s', (_what, subject) => {
      expectRejection(
        aControlResultEvent({ subject }),
        'invalid_envelope',
        /^subject must be the service id, matching/,
        '/subject',
      );
    });

    it('accepts a subject of 128 characters using every allowed character', () => {
      const subject = `A0._:-${'z'.repeat(122)}`;
      expect(subject).toHaveLength(128);
      expect(accepted(aControlResultEvent({ subject })).serviceId).toBe(subject);
    });

    it.each(['text/plain', 'application/xml', 'application/json; profile=x', 'application/jsonx'])(
      'rejects datacontenttype %s',
      (datacontenttype) => {
        expectRejection(
          aControlResultEvent({ datacontenttype }),
          'invalid_envelope',
          /datacontenttype must be "application\/json"/,
          '/datacontenttype',
        );
      },
    );

    it.each(['traceId', 'trace-id', 'trace_id'])('rejects the attribute name %s', (name) => {
      expectRejection(
        aControlResultEvent({ [name]: 'x' }),
        'invalid_envelope',
        /not a valid CloudEvents attribute name/,
      );
    });

    it('rejects an extension attribute whose value is an object', () => {
      expectRejection(
        aControlResultEvent({ region: { name: 'eu' } }),
        'invalid_envelope',
        /extension attribute region must be a string, number or boolean, got an object/,
        '/region',
      );
    });

    it.each([
      ['id', { id: 'run-1\u0000' }],
      ['source', { source: '//ci.acme.dev/\u0000checks' }],
      ['subject', { subject: 'payments-api\u0000' }],
      ['datacontenttype', { datacontenttype: 'application/json; charset=utf\u00008' }],
      ['traceparent', { traceparent: '00-abc\u0000-01' }],
    ])('rejects a NUL character in attribute %s, which PostgreSQL cannot store', (name, attrs) => {
      const rejection = rejected(aControlResultEvent(attrs));
      expect(rejection).toMatchObject({ code: 'invalid_envelope', pointer: `/${name}` });
      expect(rejection.message).toMatch(/\\u0000/);
    });

    it('names the NUL character when it is the only fault of an attribute', () => {
      expectRejection(
        aControlResultEvent({ id: 'a\u0000b' }),
        'invalid_envelope',
        /^id must not contain the NUL character \(U\+0000\) or an unpaired surrogate, which cannot be stored; got "a\\u0000b"$/,
        '/id',
      );
    });
  });

  describe('invalid_data', () => {
    it.each([
      ['missing', undefined, /data is required/],
      ['null', null, /data must be a JSON object with controlId and outcome, got null/],
      ['an array', [], /got an array/],
      ['a string', '{"controlId":"x"}', /got "\{\\"controlId/],
    ])('rejects data when it is %s', (_what, data, message) => {
      expectRejection(aControlResultEvent({ data }), 'invalid_data', message, '/data');
    });

    it('rejects data_base64', () => {
      expectRejection(
        aControlResultEvent({ data_base64: 'e30=' }),
        'invalid_data',
        /data_base64 is not accepted/,
      );
    });

    it.each([
      ['missing', undefined, /got nothing/],
      ['a number', 5, /got the number 5/],
      ['with a space', 'mfa enforced', /got "mfa enforced"/],
      ['of 129 characters', `c${'1'.repeat(128)}`, /\(129 characters\)/],
      ['non-ASCII', 'mfa-erzwüngen', /got "mfa-erzwüngen"/],
    ])('rejects data.controlId %s', (_what, controlId, message) => {
      expectRejection(
        aControlResultEvent({}, { controlId }),
        'invalid_data',
        /^data\.controlId must be the control id/,
        '/data/controlId',
      );
      expectRejection(aControlResultEvent({}, { controlId }), 'invalid_data', message);
    });

    it('accepts a data.controlId of 128 characters', () => {
      const controlId = `c${'1'.repeat(127)}`;
      expect(accepted(aControlResultEvent({}, { controlId })).controlId).toBe(controlId);
    });

    it.each([['passed'], ['PASS'], [''], [null], [true]])('rejects data.outcome %p', (outcome) => {
      expectRejection(
        aControlResultEvent({}, { outcome }),
        'invalid_data',
        /^data\.outcome must be one of "pass", "fail", "error", "not_applicable"; got/,
        '/data/outcome',
      );
    });

    it.each([
      ['evidence', ['s3://x'], /data\.evidence must be a JSON object when present, got an array/],
      [
        'test',
        'aws-iam-mfa-check',
        /data\.test must be a JSON object when present, got "aws-iam-mfa-check"/,
      ],
      ['details', 42, /data\.details must be a JSON object when present, got the number 42/],
    ])('rejects data.%s when it is not an object', (name, value, message) => {
      expectRejection(
        aControlResultEvent({}, { [name]: value }),
        'invalid_data',
        message,
        `/data/${name}`,
      );
    });

    it.each([
      ['evidence', 'uri', 42],
      ['evidence', 'sha256', { algo: 'x' }],
      ['evidence', 'summary', ['a']],
      ['test', 'id', 1],
      ['test', 'version', 1.4],
    ])('rejects data.%s.%s when it is not a string', (name, field, value) => {
      expectRejection(
        aControlResultEvent({}, { [name]: { [field]: value } }),
        'invalid_data',
        new RegExp(`^data\\.${name}\\.${field} must be a string when present`),
        `/data/${name}/${field}`,
      );
    });

    it.each([
      ['evidence.uri', { evidence: { uri: 's3://x\u0000' } }, '/data/evidence/uri'],
      ['test.version', { test: { version: '\u00001.4' } }, '/data/test/version'],
      ['a details string', { details: { note: 'a\u0000b' } }, '/data/details/note'],
      ['an array item', { details: { log: ['ok', ['x\u0000']] } }, '/data/details/log/1/0'],
      ['an unknown member', { runner: 'gha\u0000' }, '/data/runner'],
      ['a member name', { details: { 'a/b~\u0000': 1 } }, '/data/details/a~1b~0\u0000'],
    ])('rejects a NUL character in %s with a pointer to it', (_what, data, pointer) => {
      const rejection = rejected(aControlResultEvent({}, data));
      expect(rejection).toMatchObject({ code: 'invalid_data', pointer });
      expect(rejection.message).toMatch(
        /^data must not contain the NUL character \(U\+0000\) or an unpaired surrogate, which cannot be stored: found in the (string|member name) at "/,
      );
    });

    it.each([
      ['a lone high surrogate', { details: { note: 'a\ud800b' } }, '/data/details/note'],
      ['a lone low surrogate', { evidence: { summary: '\udc00' } }, '/data/evidence/summary'],
      ['a reversed pair', { details: { log: ['\udc00\ud800'] } }, '/data/details/log/0'],
      ['a member name', { details: { ['k\ud83d']: 1 } }, '/data/details/k\ud83d'],
    ])('rejects %s, which jsonb cannot store, with a pointer to it', (_what, data, pointer) => {
      expect(rejected(aControlResultEvent({}, data))).toMatchObject({
        code: 'invalid_data',
        pointer,
      });
    });

    it('accepts characters outside the BMP, written as surrogate pairs', () => {
      const data = { details: { note: 'ok \ud83d\ude00', ['\ud83d\udd12']: 'locked' } };
      expect(accepted(aControlResultEvent({}, data)).details).toEqual(data.details);
    });

    it('rejects an unpaired surrogate in an attribute', () => {
      expect(rejected(aControlResultEvent({ source: '//ci/\ud800' }))).toMatchObject({
        code: 'invalid_envelope',
        pointer: '/source',
      });
    });

    it('reports the first NUL character in document order', () => {
      const data = { details: { first: ['ok', 'x\u0000'], second: 'y\u0000' } };
      expect(rejected(aControlResultEvent({}, data)).pointer).toBe('/data/details/first/1');
    });

    it(`accepts data nested exactly ${MAX_DATA_DEPTH} levels deep, data itself being level 1`, () => {
      const details = nestedObjects(MAX_DATA_DEPTH - 1);
      expect(accepted(aControlResultEvent({}, { details })).details).toEqual(details);
    });

    it(`rejects data nested ${MAX_DATA_DEPTH + 1} levels deep with a pointer to the level too many`, () => {
      const rejection = rejected(
        aControlResultEvent({}, { details: nestedObjects(MAX_DATA_DEPTH) }),
      );
      expect(rejection).toMatchObject({
        code: 'invalid_data',
        pointer: `/data/details${'/a'.repeat(MAX_DATA_DEPTH - 1)}`,
      });
      expect(rejection.message).toMatch(
        /^data must not nest objects and arrays more than 64 levels deep \(data itself is level 1\); flatten it: level 65 starts at "\/data\/details\/a\/a/,
      );
    });

    it('counts arrays as levels, like objects', () => {
      const list = JSON.parse(
        `${'['.repeat(MAX_DATA_DEPTH - 2)}1${']'.repeat(MAX_DATA_DEPTH - 2)}`,
      );
      accepted(aControlResultEvent({}, { details: { list } }));
      expect(rejected(aControlResultEvent({}, { details: { list: [list] } })).pointer).toBe(
        `/data/details/list${'/0'.repeat(MAX_DATA_DEPTH - 2)}`,
      );
    });

    it('rejects data nested 100,000 levels deep without overflowing the stack', () => {
      const data = JSON.parse(
        `{"controlId":"mfa-enforced","outcome":"pass","details":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
      ) as unknown;
      expect(() => JSON.stringify(data)).toThrow(RangeError);
      const outcome = validateCloudEvent(aControlResultEvent({ data }), 1000, RECEIVED_AT);
      expect(outcome).toMatchObject({
        ok: false,
        code: 'invalid_data',
        pointer: `/data/details/x${'/0'.repeat(MAX_DATA_DEPTH - 2)}`,
      });
    });
  });

  describe('time_in_future', () => {
    const time = '2026-11-29T10:05:00Z';

    it('accepts an event exactly 5 min ahead of the ingest clock', () => {
      const receivedAt = new Date(Date.parse(time) - FUTURE_TOLERANCE_MS);
      expect(validate(aControlResultEvent({ time }), receivedAt).ok).toBe(true);
    });

    it('rejects an event 5 min and 1 ms ahead of the ingest clock', () => {
      const receivedAt = new Date(Date.parse(time) - FUTURE_TOLERANCE_MS - 1);
      const rejection = rejected(aControlResultEvent({ time }), receivedAt);
      expect(rejection).toMatchObject({ code: 'time_in_future', pointer: '/time' });
      expect(rejection.message).toMatch(
        /is 5 min 0.001 s ahead of the ingest clock \(2026-11-29T09:59:59.999Z\)/,
      );
    });

    it('compares instants, not wall clocks, when the time carries an offset', () => {
      // 12:04 at +02:00 is 10:04 UTC: one minute before RECEIVED_AT, not two hours ahead.
      expect(
        accepted(aControlResultEvent({ time: '2026-11-29T12:04:00+02:00' })).time.toISOString(),
      ).toBe('2026-11-29T10:04:00.000Z');
    });
  });

  describe('canonical form', () => {
    it('is RFC 8785 canonical JSON with time in UTC milliseconds', () => {
      const result = accepted({
        subject: 'payments-api',
        data: { outcome: 'pass', controlId: 'mfa-enforced' },
        time: '2026-11-29T11:02:11.5+01:00',
        type: 'io.vigil.control.result.v1',
        source: '//ci',
        id: 'e-1',
        specversion: '1.0',
      });
      expect(result.canonical).toBe(
        '{"data":{"controlId":"mfa-enforced","outcome":"pass"},"id":"e-1","source":"//ci","specversion":"1.0","subject":"payments-api","time":"2026-11-29T10:02:11.500Z","type":"io.vigil.control.result.v1"}',
      );
      expect(result.sha256).toBe(sha256Hex(result.canonical));
    });

    it('keeps the microseconds of time, and cuts finer digits, when it has more than 3', () => {
      const at = (time: string) => accepted(aControlResultEvent({ time }));
      expect(at('2026-11-29T10:02:11.123456Z')).toMatchObject({ timeMicros: 456 });
      expect(at('2026-11-29T10:02:11.123456Z').canonical).toContain(
        '"time":"2026-11-29T10:02:11.123456Z"',
      );
      expect(at('2026-11-29T11:02:11.123456789+01:00').canonical).toContain(
        '"time":"2026-11-29T10:02:11.123456Z"',
      );
      expect(at('2026-11-29T10:02:11.1234Z')).toMatchObject({ timeMicros: 400 });
      expect(at('2026-11-29T10:02:11.12345+00:00')).toMatchObject({ timeMicros: 450 });
      // Up to milliseconds, the canonical form is unchanged: stored hashes stay valid.
      for (const time of [
        '2026-11-29T10:02:11Z',
        '2026-11-29T10:02:11.5+01:00',
        '2026-11-29T10:02:11.123000Z',
      ]) {
        const result = at(time);
        expect(result.timeMicros).toBe(0);
        expect(result.canonical).toContain(`"time":"${result.time.toISOString()}"`);
      }
    });

    it('gives the same sha256 when the same event is re-serialized with other whitespace and key order', () => {
      const event = aControlResultEvent({ traceparent: 't' });
      const reordered = JSON.parse(
        JSON.stringify(Object.fromEntries(Object.entries(event).reverse()), null, 4),
      ) as unknown;
      expect(accepted(reordered).sha256).toBe(accepted(event).sha256);
    });

    it('gives the same sha256 for equal instants written differently', () => {
      const a = accepted(aControlResultEvent({ time: '2026-11-29T10:02:11Z' }));
      const b = accepted(aControlResultEvent({ time: '2026-11-29t11:32:11.000000+01:30' }));
      expect(b.sha256).toBe(a.sha256);
    });

    it('gives a different sha256 when any content differs', () => {
      const base = accepted(aControlResultEvent()).sha256;
      expect(accepted(aControlResultEvent({}, { outcome: 'fail' })).sha256).not.toBe(base);
      expect(accepted(aControlResultEvent({ datacontenttype: undefined })).sha256).not.toBe(base);
      expect(accepted(aControlResultEvent({}, { details: { checked: 43 } })).sha256).not.toBe(base);
    });

    it('is invariant under key reordering at every level (property)', () => {
      const jsonObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), {
        maxKeys: 5,
      });
      fc.assert(
        fc.property(jsonObject, fc.integer(), (details, seed) => {
          const event = aControlResultEvent({}, { details });
          // JSON round trip: the validator sees parsed JSON, as on both ingest paths.
          const parsed = JSON.parse(JSON.stringify(event)) as unknown;
          const shuffled = JSON.parse(JSON.stringify(shuffleKeys(parsed, seed))) as unknown;
          const a = accepted(parsed);
          const b = accepted(shuffled);
          expect(b.sha256).toBe(a.sha256);
          expect(b.canonical).toBe(canonicalJson(JSON.parse(a.canonical)));
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe(isLate.name, () => {
  const received = new Date('2026-11-29T12:00:00Z');

  it('is false when the time is exactly 24 h before receipt', () => {
    expect(isLate(new Date(received.getTime() - LATE_AFTER_MS), received)).toBe(false);
  });

  it('is true when the time is 24 h and 1 ms before receipt', () => {
    expect(isLate(new Date(received.getTime() - LATE_AFTER_MS - 1), received)).toBe(true);
  });

  it('is false when the time is after receipt', () => {
    expect(isLate(new Date(received.getTime() + 60_000), received)).toBe(false);
  });
});

describe(parseEventTime.name, () => {
  it.each([
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2026-11-29T10:02:11.123456789Z', '2026-11-29T10:02:11.123Z'],
    ['2026-11-29T00:30:00-00:30', '2026-11-29T01:00:00.000Z'],
    ['2026-01-01T00:59:59+01:00', '2025-12-31T23:59:59.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['1970-01-01T00:30:00+00:30', '1970-01-01T00:00:00.000Z'],
  ])('parses %s as %s', (raw, iso) => {
    expect(parseEventTime(raw).toISOString()).toBe(iso);
  });

  it.each([
    '1969-12-31T23:59:59Z',
    '0070-01-01T00:00:00Z', // a two-digit year, not 1970
    '0099-12-31T23:59:59-23:59',
    '2026-02-29T00:00:00Z',
    '2026-11-29T24:00:00Z',
    '2026-11-29T10:00:60Z',
  ])('rejects %s', (raw) => {
    expect(() => parseEventTime(raw)).toThrow(EventRejection);
  });

  it('reads any instant written with any offset back as that instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(9998, 11, 31) }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (instant, offset) => {
          const local = new Date(instant + offset * 60_000).toISOString().slice(0, 23);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const hh = String(Math.floor(abs / 60)).padStart(2, '0');
          const mm = String(abs % 60).padStart(2, '0');
          expect(parseEventTime(`${local}${sign}${hh}:${mm}`).getTime()).toBe(instant);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

/** Rebuilds every object with its keys in a seed-dependent order. */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  let state = seed >>> 0 || 1;
  for (let i = entries.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    const j = state % (i + 1);
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(out, k, {
      value: shuffleKeys(v, seed),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}
