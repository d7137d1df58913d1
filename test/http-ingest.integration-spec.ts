import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import request from 'supertest';
import { CONTROL_RESULT_V1_TYPE, MAX_EVENT_BYTES, validateCloudEvent } from '@vigil/contracts';
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

    it('answers 400 with one error per rejected event and produces nothing when a batch is invalid', async () => {
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
        detail: expect.stringMatching(/^4 of 5 events are invalid; nothing was accepted/),
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

      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await messagesOnTopic()).toBe(before);
      expect(received.has(valid.id)).toBe(false);
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

    it('answers 400 when the body is not JSON', async () => {
      const response = await post('application/cloudevents+json', '{"specversion": "1.0",').expect(
        400,
      );
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 400, detail: expect.stringMatching(/JSON/) });
    });

    it('answers 415 for a media type that is not JSON', async () => {
      await post('text/plain', JSON.stringify(anEvent())).expect(415);
    });

    it('counts accepted and rejected events in vigil_http_ingest_events_total', async () => {
      const count = async (outcome: string): Promise<number> => {
        const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
        const match = new RegExp(
          `^vigil_http_ingest_events_total\\{outcome="${outcome}"[^}]*\\} (\\d+)$`,
          'm',
        ).exec(metrics.text);
        return Number(match?.[1] ?? Number.NaN);
      };
      const [accepted, rejected] = [await count('accepted'), await count('rejected')];
      await post(
        'application/cloudevents-batch+json',
        JSON.stringify([anEvent(), anEvent()]),
      ).expect(202);
      await post(
        'application/cloudevents-batch+json',
        JSON.stringify([anEvent({ type: 'x' }), anEvent({ id: '' }), anEvent()]),
      ).expect(400);
      expect(await count('accepted')).toBe(accepted + 2);
      expect(await count('rejected')).toBe(rejected + 2);
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
