import { Registry } from 'prom-client';
import { CONTROL_RESULT_V1_TYPE, MAX_EVENT_BYTES } from '@vigil/contracts';
import { OutgoingMessage } from '@vigil/platform';
import { ProblemException } from '../http/problem';
import { createHttpIngestCounter } from './http-ingest.metrics';
import { IngestRequest, ResultsIngestService } from './results-ingest.service';

const RECEIVED_AT = new Date('2026-11-29T10:05:00Z');
const TOPIC = 'control-results';

function anEvent(id: string, overrides: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id,
    source: '//ci.acme.dev/checks/mfa',
    type: CONTROL_RESULT_V1_TYPE,
    time: '2026-11-29T10:02:11Z',
    subject: 'payments-api',
    data: { controlId: 'mfa-enforced', outcome: 'pass' },
    ...overrides,
  };
}

function aRequest(body: unknown, overrides: Partial<IngestRequest> = {}): IngestRequest {
  return {
    contentType: Array.isArray(body)
      ? 'application/cloudevents-batch+json'
      : 'application/cloudevents+json',
    body,
    rawBody: Buffer.from(JSON.stringify(body)),
    receivedAt: RECEIVED_AT,
    ...overrides,
  };
}

interface Sent {
  topic: string;
  messages: OutgoingMessage[];
}

function setup(
  send: (topic: string, messages: OutgoingMessage[]) => Promise<void> = async () => {},
) {
  const sent: Sent[] = [];
  const registry = new Registry();
  const kafka = {
    send: async (topic: string, messages: OutgoingMessage[]) => {
      sent.push({ topic, messages });
      await send(topic, messages);
    },
  };
  const service = new ResultsIngestService(
    kafka,
    { VIGIL_TOPIC_RESULTS: TOPIC },
    createHttpIngestCounter(registry),
    50,
  );
  const counted = async (outcome: string) => {
    const metric = await registry.getSingleMetric('vigil_http_ingest_events_total')?.get();
    return metric?.values.find((v) => v.labels.outcome === outcome)?.value;
  };
  return { service, sent, counted };
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemException) return error;
    throw error;
  }
  throw new Error('expected a ProblemException');
}

describe(ResultsIngestService.name, () => {
  describe('ingest', () => {
    it('produces the canonical event keyed by service id when the event is valid', async () => {
      const { service, sent, counted } = setup();
      const answer = await service.ingest(aRequest(anEvent('e-1')));
      expect(answer).toEqual({
        accepted: [{ source: '//ci.acme.dev/checks/mfa', id: 'e-1' }],
        count: 1,
      });
      expect(sent).toHaveLength(1);
      expect(sent[0].topic).toBe(TOPIC);
      expect(sent[0].messages).toEqual([
        {
          key: 'payments-api',
          value:
            '{"data":{"controlId":"mfa-enforced","outcome":"pass"},"id":"e-1","source":"//ci.acme.dev/checks/mfa","specversion":"1.0","subject":"payments-api","time":"2026-11-29T10:02:11.000Z","type":"io.vigil.control.result.v1"}',
          headers: { 'content-type': 'application/cloudevents+json' },
        },
      ]);
      expect(await counted('accepted')).toBe(1);
      expect(await counted('rejected')).toBe(0);
    });

    it('produces the valid events of a batch and answers 400 for the invalid ones, as Kafka judges each', async () => {
      const { service, sent, counted } = setup();
      const problem = await problemOf(
        service.ingest(aRequest([anEvent('ok'), anEvent('bad', { subject: '' })])),
      );
      expect(problem.problem).toMatchObject({
        status: 400,
        detail: expect.stringMatching(
          /^1 of 2 events are invalid and were not accepted; the other 1 were \(listed in accepted\)/,
        ),
        accepted: [{ source: '//ci.acme.dev/checks/mfa', id: 'ok' }],
        count: 1,
        errors: [
          {
            index: 1,
            id: 'bad',
            code: 'invalid_envelope',
            pointer: '/1/subject',
            detail: expect.any(String),
          },
        ],
      });
      expect(sent.flatMap((s) => s.messages.map((m) => JSON.parse(m.value as string).id))).toEqual([
        'ok',
      ]);
      expect(await counted('rejected')).toBe(1);
      expect(await counted('accepted')).toBe(1);
    });

    it('measures a single event by its raw body, whitespace included', async () => {
      const { service } = setup();
      const event = anEvent('e-1');
      const rawBody = Buffer.from(
        `${JSON.stringify(event, null, 2)}${' '.repeat(MAX_EVENT_BYTES)}`,
      );
      const problem = await problemOf(service.ingest(aRequest(event, { rawBody })));
      expect(problem.problem.errors).toEqual([
        expect.objectContaining({ index: 0, id: 'e-1', code: 'payload_too_large' }),
      ]);
    });

    it('measures each event of a batch by its compact JSON in UTF-8', async () => {
      const { service } = setup();
      const event = anEvent('e-1', {
        data: { controlId: 'c', outcome: 'pass', details: { s: '' } },
      });
      const base = Buffer.byteLength(JSON.stringify(event));
      const fits = {
        ...event,
        data: {
          ...event.data,
          details: { s: '€'.repeat(Math.floor((MAX_EVENT_BYTES - base) / 3)) },
        },
      };
      const padding = MAX_EVENT_BYTES - Buffer.byteLength(JSON.stringify(fits));
      fits.data.details.s += 'x'.repeat(padding);
      expect(Buffer.byteLength(JSON.stringify(fits))).toBe(MAX_EVENT_BYTES);
      const over = {
        ...fits,
        id: 'e-2',
        data: { ...fits.data, details: { s: `${fits.data.details.s}x` } },
      };
      const problem = await problemOf(service.ingest(aRequest([fits, over])));
      expect(problem.problem.errors).toEqual([
        expect.objectContaining({ index: 1, code: 'payload_too_large' }),
      ]);
    });

    it('splits a large batch into several sends, in order, each under 1 MiB', async () => {
      const { service, sent } = setup();
      const big = 'x'.repeat(60_000);
      const events = Array.from({ length: 40 }, (_, i) =>
        anEvent(`e-${i}`, { data: { controlId: 'c', outcome: 'pass', details: { big } } }),
      );
      const answer = await service.ingest(aRequest(events));
      expect(answer.count).toBe(40);
      expect(sent.length).toBeGreaterThan(1);
      for (const { messages } of sent) {
        expect(messages.reduce((n, m) => n + Buffer.byteLength(m.value as string), 0)).toBeLessThan(
          1_048_576,
        );
      }
      const ids = sent.flatMap((s) =>
        s.messages.map((m) => (JSON.parse(m.value as string) as { id: string }).id),
      );
      expect(ids).toEqual(events.map((e) => e.id));
    });

    it('answers 503 and counts nothing accepted when Kafka fails', async () => {
      const { service, counted } = setup(async () => {
        throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      });
      const problem = await problemOf(service.ingest(aRequest(anEvent('e-1'))));
      expect(problem.problem).toMatchObject({
        status: 503,
        detail: expect.stringMatching(
          /^Kafka did not acknowledge the events \(Connection error: .*Retry the same request/,
        ),
      });
      expect(await counted('accepted')).toBe(0);
    });

    it('answers 503 when Kafka does not acknowledge in time', async () => {
      const { service } = setup(() => new Promise<void>(() => {}));
      const problem = await problemOf(service.ingest(aRequest(anEvent('e-1'))));
      expect(problem.problem).toMatchObject({
        status: 503,
        detail: expect.stringMatching(/no acknowledgement within 50 ms/),
      });
    });

    it.each([
      ['a JSON array as application/json', 'application/json', [anEvent('a')], 202],
      ['one event as application/json', 'application/json; charset=utf-8', anEvent('a'), 202],
      ['an object as a batch', 'application/cloudevents-batch+json', anEvent('a'), 400],
      ['an array as one structured event', 'application/cloudevents+json', [anEvent('a')], 400],
      ['another +json media type', 'application/merge-patch+json', anEvent('a'), 415],
      ['no content type', undefined, anEvent('a'), 415],
    ])('handles %s', async (_what, contentType, body, status) => {
      const { service } = setup();
      const outcome = service.ingest(aRequest(body, { contentType }));
      if (status === 202) await expect(outcome).resolves.toMatchObject({ count: 1 });
      else expect((await problemOf(outcome)).problem.status).toBe(status);
    });

    it('accepts exact repeats of an event in one batch', async () => {
      const { service } = setup();
      await expect(service.ingest(aRequest([anEvent('a'), anEvent('a')]))).resolves.toMatchObject({
        count: 2,
      });
    });

    it('accepts 1000 events and rejects 1001 or none', async () => {
      const { service, counted } = setup();
      const events = (n: number) => Array.from({ length: n }, (_, i) => anEvent(`e-${i}`));
      await expect(service.ingest(aRequest(events(1000)))).resolves.toMatchObject({ count: 1000 });
      expect((await problemOf(service.ingest(aRequest(events(1001))))).problem.detail).toMatch(
        /at most 1000/,
      );
      expect((await problemOf(service.ingest(aRequest([])))).problem.detail).toMatch(/empty/);
      expect(await counted('accepted')).toBe(1000);
      expect(await counted('rejected')).toBe(1001);
    });
  });
});
