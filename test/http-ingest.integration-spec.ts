import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import request from 'supertest';
import {
  CONTROL_RESULT_V1_TYPE,
  MAX_DATA_DEPTH,
  MAX_EVENT_BYTES,
  decodeKafkaMessage,
  validateCloudEvent,
} from '@vigil/contracts';
import { KafkaClient } from '@vigil/platform';
import { createApi } from '../apps/api/src/bootstrap';
import { ResultsController } from '../apps/api/src/results/results.controller';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
  kafkaBrokers,
} from './support/infra';

interface Received {
  key: string | null;
  value: string;
  contentType: string | undefined;
  partition: number;
}

// Jest reads testTimeout only globally, not per project: the hooks say what they need.
const HOOK_TIMEOUT_MS = 60_000;
const ADMIN_KEY = `vigil-test-${randomBytes(16).toString('hex')}`;

function anEvent(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '//ci.acme.dev/checks/mfa',
    type: CONTROL_RESULT_V1_TYPE,
    time: new Date(Date.now() - 60_000).toISOString(),
    subject: 'payments-api',
    datacontenttype: 'application/json',
    data: {
      controlId: 'mfa-enforced',
      outcome: 'pass',
      evidence: { uri: 's3://evidence/mfa.json', summary: '42/42 users have MFA ✅' },
      ...data,
    },
    ...overrides,
  };
}

/** `levels` objects within each other: `{"a":{"a":…{}}}`. */
function nestedObjects(levels: number): unknown {
  let value: unknown = {};
  for (let level = 1; level < levels; level++) value = { a: value };
  return value;
}

/** JSON text of an event whose data.details.deep is `levels` arrays within each other. */
function deepEventText(event: Record<string, unknown>, levels: number): string {
  return JSON.stringify(event).replace(
    '"deep":0',
    `"deep":${'['.repeat(levels)}${']'.repeat(levels)}`,
  );
}

/** What the Kafka path answers for the same bytes in structured mode. */
function kafkaAnswer(text: string): { code?: string; pointer?: string } {
  const outcome = decodeKafkaMessage({ value: Buffer.from(text, 'utf8') }, new Date());
  return outcome.ok ? {} : { code: outcome.code, pointer: outcome.pointer };
}

describe(ResultsController.name, () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let kafka: KafkaClient;
  let consumer: Consumer;
  const received = new Map<string, Received>();

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(3)]);
    ({ app } = await createApi(appEnv(db, topics, { VIGIL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY })));
    await app.listen(0, '127.0.0.1');
    kafka = new KafkaClient({ brokers: kafkaBrokers().split(','), clientId: 'http-ingest-test' });
    consumer = kafka.kafka.consumer({ groupId: `${topics.group}.http-ingest-test` });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.results, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const value = message.value?.toString('utf8') ?? '';
        const id = (JSON.parse(value) as { id: string }).id;
        received.set(id, {
          key: message.key?.toString('utf8') ?? null,
          value,
          contentType: message.headers?.['content-type']?.toString(),
          partition,
        });
      },
    });
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await consumer?.disconnect();
    await kafka?.close();
    await app?.close();
    await db?.drop();
  }, HOOK_TIMEOUT_MS);

  const post = (contentType: string, body: string) =>
    request(app.getHttpServer())
      .post('/api/v1/results')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .set('Content-Type', contentType)
      .send(body);

  async function waitFor(ids: string[], timeoutMs = 20_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => !received.has(id))) {
      if (Date.now() > deadline)
        throw new Error(`not on the topic: ${ids.filter((id) => !received.has(id)).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return ids.map((id) => received.get(id) as Received);
  }

  async function messagesOnTopic(): Promise<number> {
    const offsets = await kafka.topicOffsets(topics.results);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  }

  describe('POST /api/v1/results', () => {
    it('answers 202 and puts one event on the topic when it is valid', async () => {
      const event = anEvent();
      const response = await post(
        'application/cloudevents+json',
        JSON.stringify(event, null, 2),
      ).expect(202);
      expect(response.body).toEqual({
        accepted: [{ source: event.source, id: event.id }],
        count: 1,
      });

      const [message] = await waitFor([event.id]);
      expect(message.key).toBe('payments-api');
      expect(message.contentType).toBe('application/cloudevents+json');
      expect(JSON.parse(message.value)).toEqual(event);
      // What went to Kafka is the canonical form, which the Kafka path validates identically.
      const again = validateCloudEvent(
        JSON.parse(message.value),
        Buffer.byteLength(message.value),
        new Date(),
      );
      expect(again.ok && again.result.canonical).toBe(message.value);
    });

    it('answers 202 and puts every event of a batch on the topic, keyed by service id', async () => {
      const events = [
        anEvent({ subject: 'payments-api' }),
        anEvent({ subject: 'ledger' }, { controlId: 'backup-tested', outcome: 'fail' }),
        anEvent(
          { subject: 'search', time: '2026-01-01T01:00:00+01:00' },
          { outcome: 'not_applicable' },
        ),
      ];
      const response = await post(
        'application/cloudevents-batch+json',
        JSON.stringify(events),
      ).expect(202);
      expect(response.body).toEqual({
        accepted: events.map(({ source, id }) => ({ source, id })),
        count: 3,
      });

      const messages = await waitFor(events.map((e) => e.id));
      expect(messages.map((m) => m.key)).toEqual(['payments-api', 'ledger', 'search']);
      expect(messages.map((m) => JSON.parse(m.value) as unknown)).toEqual([
        events[0],
        events[1],
        { ...events[2], time: '2026-01-01T00:00:00.000Z' },
      ]);
    });

    it('accepts a JSON array sent as application/json as a batch', async () => {
      const events = [anEvent(), anEvent()];
      const response = await post('application/json', JSON.stringify(events)).expect(202);
      expect(response.body.count).toBe(2);
      await waitFor(events.map((e) => e.id));
    });

    it('answers 400 with one error per rejected event and produces only the valid ones when a batch is partly invalid', async () => {
      const before = await messagesOnTopic();
      const valid = anEvent();
      const badOutcome = anEvent({}, { outcome: 'passed' });
      const future = anEvent({ time: new Date(Date.now() + 3_600_000).toISOString() });
      const huge = anEvent({}, { details: { blob: 'x'.repeat(MAX_EVENT_BYTES) } });
      const response = await post(
        'application/cloudevents-batch+json',
        JSON.stringify([valid, badOutcome, future, huge, 'not an event']),
      ).expect(400);

      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        status: 400,
        title: 'Bad Request',
        detail: expect.stringMatching(/^4 of 5 events are invalid and were not accepted/),
        accepted: [{ source: valid.source, id: valid.id }],
        count: 1,
      });
      expect(response.body.errors).toEqual([
        {
          index: 1,
          id: badOutcome.id,
          code: 'invalid_data',
          pointer: '/1/data/outcome',
          detail: expect.stringMatching(/^data\.outcome must be one of/),
        },
        {
          index: 2,
          id: future.id,
          code: 'time_in_future',
          pointer: '/2/time',
          detail: expect.stringMatching(/ahead of the ingest clock/),
        },
        {
          index: 3,
          id: huge.id,
          code: 'payload_too_large',
          detail: expect.stringMatching(/at most 65536 bytes/),
        },
        {
          index: 4,
          code: 'invalid_envelope',
          pointer: '/4',
          detail: expect.stringMatching(/must be a JSON object/),
        },
      ]);

      // The valid event went to Kafka, exactly as it would alone; nothing else did.
      const [message] = await waitFor([valid.id]);
      expect(JSON.parse(message.value)).toEqual(valid);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await messagesOnTopic()).toBe(before + 1);
    });

    it('answers 400 with the reason when a single event is invalid', async () => {
      const event = anEvent({ subject: 'payments api' });
      const response = await post('application/cloudevents+json', JSON.stringify(event)).expect(
        400,
      );
      expect(response.body.errors).toEqual([
        {
          index: 0,
          id: event.id,
          code: 'invalid_envelope',
          pointer: '/subject',
          detail: expect.stringMatching(/^subject must be the service id/),
        },
      ]);
    });

    describe("in the HTTP binding's binary mode (ce-* headers, data as the body)", () => {
      const postBinary = (headers: Record<string, string>, data: string, contentType: string) => {
        let req = request(app.getHttpServer())
          .post('/api/v1/results')
          .set('Authorization', `Bearer ${ADMIN_KEY}`)
          .set('Content-Type', contentType);
        for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
        return req.send(data);
      };
      const headersOf = (event: ReturnType<typeof anEvent>): Record<string, string> => ({
        'ce-specversion': event.specversion,
        'ce-id': event.id,
        'ce-source': event.source,
        'ce-type': event.type,
        'ce-time': event.time,
        'ce-subject': event.subject,
      });

      it('answers 202 and produces the same canonical event as structured mode would', async () => {
        // Content-Type is the event's datacontenttype in binary mode.
        const event = anEvent({ datacontenttype: 'application/json; charset=utf-8' });
        const response = await postBinary(
          headersOf(event),
          JSON.stringify(event.data),
          'application/json; charset=utf-8',
        ).expect(202);
        expect(response.body).toEqual({
          accepted: [{ source: event.source, id: event.id }],
          count: 1,
        });
        const [message] = await waitFor([event.id]);
        expect(message.key).toBe('payments-api');
        const structured = validateCloudEvent(
          event,
          Buffer.byteLength(JSON.stringify(event)),
          new Date(),
        );
        expect(structured.ok && structured.result.canonical).toBe(message.value);
      });

      it('decodes percent-encoded header values, as the binding writes them', async () => {
        const event = anEvent({ source: '//ci.acme.dev/checks/mfa "eu"' });
        await postBinary(
          { ...headersOf(event), 'ce-source': '//ci.acme.dev/checks/mfa %22eu%22' },
          JSON.stringify(event.data),
          'application/json',
        ).expect(202);
        const [message] = await waitFor([event.id]);
        expect(JSON.parse(message.value).source).toBe(event.source);
      });

      it("answers 400 with the Kafka path's code and pointer when an attribute is wrong", async () => {
        const event = anEvent();
        const before = await messagesOnTopic();
        const response = await postBinary(
          { ...headersOf(event), 'ce-subject': 'payments api' },
          JSON.stringify(event.data),
          'application/json',
        ).expect(400);
        expect(response.body.errors).toEqual([
          expect.objectContaining({
            index: 0,
            id: event.id,
            code: 'invalid_envelope',
            pointer: '/subject',
          }),
        ]);
        const missing = await postBinary(headersOf(event), '', 'application/json').expect(400);
        expect(missing.body.errors[0]).toMatchObject({ code: 'invalid_data' });
        await postBinary(headersOf(event), 'x', 'text/plain').expect(415);
        expect(await messagesOnTopic()).toBe(before);
      });
    });

    it('answers 400 id_conflict when a batch reuses (source, id) with other content', async () => {
      const event = anEvent();
      const response = await post(
        'application/cloudevents-batch+json',
        JSON.stringify([event, event, { ...event, data: { ...event.data, outcome: 'fail' } }]),
      ).expect(400);
      expect(response.body.errors).toEqual([
        {
          index: 2,
          id: event.id,
          code: 'id_conflict',
          detail: expect.stringMatching(/already used by event 0/),
        },
      ]);
      // The first stays (SPEC §3); its redelivery is a duplicate, stored once by ingest.
      const first = { source: event.source, id: event.id };
      expect(response.body).toMatchObject({ accepted: [first, first], count: 2 });
      const [message] = await waitFor([event.id]);
      expect(JSON.parse(message.value).data.outcome).toBe('pass');
    });

    it('answers 400 when the batch is empty or holds more than 1000 events', async () => {
      const empty = await post('application/cloudevents-batch+json', '[]').expect(400);
      expect(empty.body.detail).toMatch(/empty/);
      const events = Array.from({ length: 1001 }, () => anEvent());
      const tooMany = await post(
        'application/cloudevents-batch+json',
        JSON.stringify(events),
      ).expect(400);
      expect(tooMany.body.detail).toMatch(/1001 events; at most 1000/);
    });

    it('answers 400 malformed_json when the body is not JSON', async () => {
      const response = await post('application/cloudevents+json', '{"specversion": "1.0",').expect(
        400,
      );
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 400, detail: expect.stringMatching(/JSON/) });
      expect(response.body.errors).toEqual([
        { code: 'malformed_json', detail: expect.stringMatching(/^the body is not valid JSON/) },
      ]);
    });

    it.each([
      ['application/cloudevents+json', '"x"'],
      ['application/cloudevents+json', '123'],
      ['application/json', 'true'],
      ['application/json', 'null'],
      ['application/cloudevents+json', ' "padded" '],
    ])(
      'answers 400 invalid_envelope, as the Kafka path does, when the %s body is the bare JSON scalar %s',
      async (contentType, body) => {
        const response = await post(contentType, body).expect(400);
        expect(response.body.errors).toEqual([
          {
            index: 0,
            code: 'invalid_envelope',
            pointer: '',
            detail: expect.stringMatching(/^the event must be a JSON object/),
          },
        ]);
        expect(kafkaAnswer(body)).toEqual({ code: 'invalid_envelope', pointer: '' });
      },
    );

    it(`answers 202 for data nested exactly ${MAX_DATA_DEPTH} levels deep`, async () => {
      // The body nests one level more than data: the depth rule is the contract's, per event.
      const event = anEvent({}, { details: nestedObjects(MAX_DATA_DEPTH - 1) });
      await post('application/cloudevents+json', JSON.stringify(event)).expect(202);
      const [message] = await waitFor([event.id]);
      expect(JSON.parse(message.value)).toEqual(event);
    });

    it('answers 400 invalid_data per event, as the Kafka path does, when data nests too deeply', async () => {
      const before = await messagesOnTopic();
      const valid = anEvent();
      const oneTooMany = anEvent({}, { details: nestedObjects(MAX_DATA_DEPTH) });
      // 20,000 levels: deeper than JSON.stringify can write back, well under 64 KiB.
      const veryDeep = anEvent({}, { details: { deep: 0 } });
      const veryDeepText = deepEventText(veryDeep, 20_000);
      const body = `[${JSON.stringify(valid)},${JSON.stringify(oneTooMany)},${veryDeepText}]`;
      const response = await post('application/cloudevents-batch+json', body).expect(400);
      expect(response.body.detail).toMatch(/^2 of 3 events are invalid and were not accepted/);
      expect(response.body.accepted).toEqual([{ source: valid.source, id: valid.id }]);
      expect(response.body.errors).toEqual([
        {
          index: 1,
          id: oneTooMany.id,
          code: 'invalid_data',
          pointer: `/1/data/details${'/a'.repeat(MAX_DATA_DEPTH - 1)}`,
          detail: expect.stringMatching(
            /^data must not nest objects and arrays more than 64 levels/,
          ),
        },
        {
          index: 2,
          id: veryDeep.id,
          code: 'invalid_data',
          pointer: `/2/data/details/deep${'/0'.repeat(MAX_DATA_DEPTH - 2)}`,
          detail: expect.stringMatching(
            /^data must not nest objects and arrays more than 64 levels/,
          ),
        },
      ]);
      expect(kafkaAnswer(JSON.stringify(oneTooMany))).toEqual({
        code: 'invalid_data',
        pointer: response.body.errors[0].pointer.slice('/1'.length),
      });
      expect(kafkaAnswer(veryDeepText)).toEqual({
        code: 'invalid_data',
        pointer: response.body.errors[1].pointer.slice('/2'.length),
      });

      const single = await post('application/cloudevents+json', veryDeepText).expect(400);
      expect(single.body.errors).toEqual([
        {
          index: 0,
          id: veryDeep.id,
          code: 'invalid_data',
          pointer: `/data/details/deep${'/0'.repeat(MAX_DATA_DEPTH - 2)}`,
          detail: expect.stringMatching(/more than 64 levels deep/),
        },
      ]);
      // Only the valid event of the batch went to Kafka.
      await waitFor([valid.id]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await messagesOnTopic()).toBe(before + 1);
    });

    it('answers 400 payload_too_large for an event that is both too deep and over 64 KiB, as Kafka does', async () => {
      const event = anEvent({}, { details: { deep: 0 } });
      const text = deepEventText(event, 40_000);
      const response = await post('application/cloudevents-batch+json', `[${text}]`).expect(400);
      expect(response.body.errors).toEqual([
        {
          index: 0,
          id: event.id,
          code: 'payload_too_large',
          detail: expect.stringMatching(/^the event is 80\d{3} bytes; at most 65536 bytes/),
        },
      ]);
      expect(kafkaAnswer(text).code).toBe('payload_too_large');
    });

    it('answers 400 when a NUL character is in an attribute (invalid_envelope) or in data (invalid_data)', async () => {
      const before = await messagesOnTopic();
      const events = [
        anEvent({ id: `${randomUUID()}\u0000` }),
        anEvent({ traceparent: '00-\u0000-01' }),
        anEvent({}, { evidence: { uri: 's3://evidence/\u0000.json' } }),
        anEvent({}, { details: { 'checked\u0000': 42 } }),
        anEvent(),
      ];
      const response = await post(
        'application/cloudevents-batch+json',
        JSON.stringify(events),
      ).expect(400);
      expect(response.body.detail).toMatch(/^4 of 5 events are invalid/);
      const nul = /must not contain the NUL character \(U\+0000\)/;
      expect(response.body.errors).toEqual([
        {
          index: 0,
          id: events[0].id,
          code: 'invalid_envelope',
          pointer: '/0/id',
          detail: expect.stringMatching(nul),
        },
        {
          index: 1,
          id: events[1].id,
          code: 'invalid_envelope',
          pointer: '/1/traceparent',
          detail: expect.stringMatching(nul),
        },
        {
          index: 2,
          id: events[2].id,
          code: 'invalid_data',
          pointer: '/2/data/evidence/uri',
          detail: expect.stringMatching(nul),
        },
        {
          index: 3,
          id: events[3].id,
          code: 'invalid_data',
          pointer: '/3/data/details/checked\u0000',
          detail: expect.stringMatching(nul),
        },
      ]);
      events.slice(0, 4).forEach((event, index) => {
        expect(kafkaAnswer(JSON.stringify(event))).toEqual({
          code: response.body.errors[index].code,
          pointer: response.body.errors[index].pointer.slice(`/${index}`.length),
        });
      });
      // The one valid event of the batch (the fifth) went to Kafka, and nothing else.
      await waitFor([events[4].id]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await messagesOnTopic()).toBe(before + 1);
    });

    it('answers 415 for a media type that is not JSON', async () => {
      await post('text/plain', JSON.stringify(anEvent())).expect(415);
    });

    it('counts accepted and rejected events in vigil_http_ingest_events_total', async () => {
      /** The value of one series of the API's /metrics, e.g. ('…_events_total', 'outcome', 'accepted'). */
      const series = async (name: string, label: string, value: string): Promise<number> => {
        const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
        const match = new RegExp(`^${name}\\{${label}="${value}"[^}]*\\} (\\d+)$`, 'm').exec(
          metrics.text,
        );
        return Number(match?.[1] ?? Number.NaN);
      };
      const count = (outcome: string) =>
        series('vigil_http_ingest_events_total', 'outcome', outcome);
      const byCode = (code: string) => series('vigil_http_ingest_rejections_total', 'code', code);
      const [accepted, rejected] = [await count('accepted'), await count('rejected')];
      const envelope = await byCode('invalid_envelope');
      expect(await byCode('payload_too_large')).toBeGreaterThanOrEqual(0);
      await post(
        'application/cloudevents-batch+json',
        JSON.stringify([anEvent(), anEvent()]),
      ).expect(202);
      await post(
        'application/cloudevents-batch+json',
        JSON.stringify([anEvent({ type: 'x' }), anEvent({ id: '' }), anEvent()]),
      ).expect(400);
      // The third event of the partly invalid batch was accepted on its own.
      expect(await count('accepted')).toBe(accepted + 3);
      expect(await count('rejected')).toBe(rejected + 2);
      // Both rejections were invalid_envelope (a wrong type, an empty id).
      expect(await byCode('invalid_envelope')).toBe(envelope + 2);
    });

    it('answers 401 without an API key', async () => {
      await request(app.getHttpServer())
        .post('/api/v1/results')
        .set('Content-Type', 'application/cloudevents+json')
        .send(JSON.stringify(anEvent()))
        .expect(401);
    });

    it('is described in the OpenAPI document with its body, 202 and 400', async () => {
      const doc = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
      const operation = doc.body.paths['/api/v1/results'].post;
      expect(Object.keys(operation.requestBody.content)).toEqual(
        expect.arrayContaining([
          'application/cloudevents+json',
          'application/cloudevents-batch+json',
          'application/json',
        ]),
      );
      expect(operation.responses).toHaveProperty('202');
      expect(operation.responses).toHaveProperty('400');
      expect(doc.body.components.schemas).toHaveProperty('ControlResultEventV1');
    });
  });
});
