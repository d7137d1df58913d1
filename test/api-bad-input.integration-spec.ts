import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import request, { Response } from 'supertest';
import { KafkaClient } from '@vigil/platform';
import { createApi } from '../apps/api/src/bootstrap';
import {
  API_ROUTES,
  ApiRoute,
  ParamKind,
  RouteContext,
  SEED,
  SEED_CATALOG,
  exampleEvent,
  operationOf,
  seedApiData,
  waitForTopic,
} from './support/api-routes';
import { createKey } from './support/auth';
import {
  TestDatabase,
  TestTopics,
  appEnv,
  createTestDatabase,
  createTestTopics,
  kafkaBrokers,
} from './support/infra';
import { withClient } from './support/seed-effectiveness';

type Server = Parameters<typeof request>[0];

const enc = encodeURIComponent;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Hostile text, thrown at every parameter and at the ids inside bodies. */
const HOSTILE_TEXT = [
  "' OR 1=1 --",
  '1; DROP TABLE results',
  '"; SELECT pg_sleep(5); --',
  'サービス',
  '🔥💥',
  '\u202egnp.exe',
  '../../etc/passwd',
  'a'.repeat(129),
  'x'.repeat(5000),
  'a\u0000b',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
];

/** Percent-encodings that are not UTF-8: Express refuses such a path before any route runs. */
const UNDECODABLE = ['%FF%FE', '%E0%A4%A'];

/** Thrown at every path and query parameter, URL-encoded, plus raw encodings that are bad in URLs. */
const HOSTILE = [
  ...HOSTILE_TEXT.map(enc),
  '..%2F..%2Fetc%2Fpasswd',
  '%2E%2E%2F%2E%2E%2F',
  '%00',
  'abc%00def',
  ...UNDECODABLE,
];

/** Per kind: values that must be refused (`expect` = what a correct answer is). */
const BY_KIND: Record<ParamKind, string[]> = {
  serviceId: ['no-such-service'],
  controlId: ['no-such-control'],
  criterionId: ['ZZ9.9', 'cc6.1x'],
  keyId: [randomUUID(), 'not-a-uuid'],
  instant: [
    '2026-13-45T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T00:00:60Z',
    '2026-03-01T00:00:00%2B25:00',
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '99999-01-01T00:00:00Z',
    '1e309',
    '2026-03-01T00:00:00',
    '2026-03-01',
    'now',
    '-1',
    '1709251200',
    '',
  ],
  window: [
    'P0D',
    'P-1D',
    'PT1H',
    'P1DT1H',
    'P1.5D',
    'P',
    '90',
    'P99999D',
    'P9999Y',
    'P6Y',
    'P1Y1Y',
    '',
  ],
  limit: [
    '0',
    '-1',
    '1001',
    '10001',
    '99999999999999999999999',
    '1e3',
    '1.5',
    'abc',
    '0x10',
    '%2010',
    '10abc',
    'Infinity',
    'NaN',
  ],
  size: ['0', '-1', '10001', '99999999999999999999999', '1e3', '1.5', 'abc', '0x10', 'NaN'],
  cursor: [
    'not-a-cursor!',
    b64('not json'),
    b64('{"a":1}'),
    b64('[]'),
    b64('[{"$ne":null},{"$ne":null}]'),
    b64(JSON.stringify(['x', 'y', 'z', 'w', 'v'])),
    b64('[1e309,null]'),
    'A'.repeat(2000),
  ],
  enum: ['bogus', 'TRUE', 'zip%00'],
  ref: ['no-such-thing'],
  text: [],
};

/** Statuses a correct API may answer for a bad value of this kind (never a 5xx); a 400 names it. */
function acceptable(kind: ParamKind): number[] {
  switch (kind) {
    case 'serviceId':
    case 'controlId':
    case 'criterionId':
    case 'keyId':
    case 'ref':
      return [400, 404];
    case 'instant':
    case 'window':
    case 'limit':
    case 'size':
    case 'cursor':
    case 'enum':
      return [400];
    case 'text':
      return [200, 400];
  }
}

const SEEDED_PATH_VALUE: Record<string, (context: RouteContext) => string> = {
  serviceId: () => SEED.service,
  controlId: () => SEED.control,
  criterionId: () => SEED.criterion,
  keyId: (context) => context.revocableKeyId,
};

/** The example request of a route with one parameter replaced by a raw (encoded) value. */
function withParam(
  route: ApiRoute,
  context: RouteContext,
  name: string,
  raw: string,
  adjust: (query: Map<string, string>) => void = () => undefined,
): string {
  const example = new URL(route.example(context).url, 'http://x');
  let path = route.path;
  for (const [param, kind] of Object.entries(route.params)) {
    if (!path.includes(`{${param}}`)) continue;
    const value = param === name ? raw : enc(SEEDED_PATH_VALUE[kind](context));
    path = path.replace(`{${param}}`, value);
  }
  if (path.includes('{')) throw new Error(`${operationOf(route)}: a path parameter has no kind`);
  const query = new Map<string, string>();
  example.searchParams.forEach((value, key) => query.set(key, enc(value)));
  adjust(query);
  if (!route.path.includes(`{${name}}`)) query.set(name, raw);
  const search = [...query].map(([k, v]) => `${k}=${v}`).join('&');
  return search === '' ? path : `${path}?${search}`;
}

/** Attack the parameter itself, not the "either window or from/to" rule. */
function isolate(name: string): (query: Map<string, string>) => void {
  return (query) => {
    if (name === 'window') {
      query.delete('from');
      query.delete('to');
    }
    if (name === 'from' || name === 'to') {
      query.delete('window');
      if (!query.has('from')) query.set('from', enc(SEED.from));
      if (!query.has('to')) query.set('to', enc(SEED.to));
    }
  };
}

/** Row count and checksum of every table (api_keys without last_used_at, which use updates). */
async function databaseFingerprint(url: string): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const fingerprint: Record<string, string> = {};
    for (const { name } of tables) {
      const row = name === 'api_keys' ? `(t.id, t.name, t.role, t.revoked_at)` : 't';
      const { rows } = await client.query<{ n: string; sum: string | null }>(
        `SELECT count(*)::text AS n, md5(string_agg(${row}::text, ',' ORDER BY ${row}::text)) AS sum
           FROM ${name} t`,
      );
      fingerprint[name] = `${rows[0].n}:${rows[0].sum ?? ''}`;
    }
    const { rows: sequences } = await client.query<{ name: string; value: string }>(
      `SELECT sequencename AS name, coalesce(last_value, 0)::text AS value FROM pg_sequences
        WHERE schemaname = 'public' ORDER BY 1`,
    );
    for (const s of sequences) fingerprint[`sequence ${s.name}`] = s.value;
    return fingerprint;
  });
}

interface Answer {
  where: string;
  status: number;
  problem: boolean;
  parameters: string[];
}

function answerOf(where: string, res: Response): Answer {
  const problem = /^application\/problem\+json/.test(String(res.headers['content-type']));
  let parameters: string[] = [];
  if (problem) {
    const body = JSON.parse(res.text) as { errors?: Array<{ parameter?: string }> };
    parameters = (body.errors ?? []).flatMap((e) => (e.parameter ? [e.parameter] : []));
  }
  return { where, status: res.status, problem, parameters };
}

describe('the API under bad input', () => {
  let db: TestDatabase;
  let topics: TestTopics;
  let app: INestApplication;
  let server: Server;
  let admin: string;
  let context: RouteContext;
  let before: Record<string, string>;
  let kafka: KafkaClient;
  let offsetsBefore: string;

  /** End offsets of the results topic (retried: a loaded broker can briefly refuse metadata). */
  const resultsOffsets = async (): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const offsets = await kafka.topicOffsets(topics.results);
        return JSON.stringify(offsets.map((p) => [p.partition, p.high]).sort());
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const call = (method: string, url: string) => {
    const agent = request(server);
    const verb = method.toLowerCase() as 'get' | 'put' | 'post' | 'delete';
    return agent[verb](url).set('Authorization', `Bearer ${admin}`);
  };
  const get = (url: string) => call('GET', url);
  /** The route's request at `url`, with its example body when it takes one. */
  const send = (route: ApiRoute, url: string) => {
    if (route.method === 'GET') return get(url);
    const example = route.example(context);
    return call(route.method, url)
      .set('Content-Type', example.contentType ?? 'application/json')
      .send(example.body ?? '');
  };

  beforeAll(async () => {
    [db, topics] = await Promise.all([createTestDatabase(), createTestTopics(1)]);
    await waitForTopic(topics.results);
    admin = await createKey(db.url, { role: 'admin' });
    await createKey(db.url, { role: 'dashboard', name: 'bad-input-target' });
    ({ app } = await createApi(appEnv(db, topics, { RATE_LIMIT_PER_MINUTE: '0' })));
    await app.listen(0, '127.0.0.1');
    server = app.getHttpServer() as Server;
    await seedApiData(server, admin, db.url);
    const listed = await get('/api/v1/keys?limit=1000').expect(200);
    const target = (listed.body as { items: Array<{ id: string; name: string }> }).items.find(
      (k) => k.name === 'bad-input-target',
    );
    if (target === undefined) throw new Error('the target key was not listed');
    context = { revocableKeyId: target.id, uniqueId: () => randomUUID() };
    kafka = new KafkaClient({ brokers: kafkaBrokers().split(','), clientId: 'vigil-test' });
    before = await databaseFingerprint(db.url);
    offsetsBefore = await resultsOffsets();
  });
  afterAll(async () => {
    await kafka?.close();
    await app?.close();
    await db?.drop();
  });

  const protectedRoutes = API_ROUTES.filter((r) => r.access !== 'public');
  const parameterCases = protectedRoutes.flatMap((route) =>
    Object.entries(route.params).map(
      ([name, kind]) => [operationOf(route), name, kind, route] as const,
    ),
  );

  it('has a kind for every parameter the OpenAPI document declares', async () => {
    const res = await request(server).get('/api/docs-json').expect(200);
    const paths = (
      res.body as {
        paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
      }
    ).paths;
    for (const route of API_ROUTES) {
      const documented = (paths[route.path][route.method.toLowerCase()].parameters ?? [])
        .filter((p) => p.in === 'path' || p.in === 'query')
        .map((p) => p.name)
        .sort();
      expect({ route: operationOf(route), params: Object.keys(route.params).sort() }).toEqual({
        route: operationOf(route),
        params: documented,
      });
    }
  });

  it.each(parameterCases)(
    '%s refuses bad values of %s (%s) with a 4xx problem naming it, never a 5xx',
    async (operation, name, kind, route) => {
      const statuses = acceptable(kind);
      const wrong: Answer[] = [];
      const values = [...BY_KIND[kind], ...HOSTILE];
      for (const raw of values) {
        const url = withParam(route, context, name, raw, isolate(name));
        const res = await send(route, url);
        const answer = answerOf(`${operation} ${name}=${raw.slice(0, 40)}`, res);
        // Free text may be fine (200); an undecodable path (%FF) has no parameter value to name.
        const free = kind === 'text' && res.status === 200;
        const undecodable = UNDECODABLE.includes(raw) && route.path.includes(`{${name}}`);
        const ok =
          statuses.includes(answer.status) &&
          (free ||
            (answer.problem &&
              (answer.status !== 400 || undecodable || answer.parameters.includes(name))));
        if (!ok) wrong.push(answer);
      }
      expect(wrong).toEqual([]);
    },
  );

  describe('repeated parameters', () => {
    /** A value each query parameter accepts on its own. */
    const VALID: Record<string, string> = {
      from: SEED.from,
      to: SEED.to,
      window: 'P90D',
      limit: '5',
      size: '3',
      dryRun: 'true',
      category: 'CC',
      period: '90',
      outcome: 'pass',
      format: 'json',
      table: 'summary',
      service: SEED.service,
      control: SEED.control,
      criterion: SEED.criterion,
      seed: 'repeat',
    };
    const LISTS = new Set(['outcome']);
    const queryCases = parameterCases.filter(
      ([, name, kind, route]) => kind !== 'cursor' && !route.path.includes(`{${name}}`),
    );

    it.each(queryCases)(
      '%s refuses %s given twice with a 400 naming it, never a 5xx',
      async (operation, name, kind, route) => {
        const value = VALID[name];
        expect({ name, value }).toEqual({ name, value: expect.any(String) });
        const url = withParam(
          route,
          context,
          name,
          `${enc(value)}&${name}=${enc(value)}`,
          isolate(name),
        );
        const res = await send(route, url);
        const answer = answerOf(`${operation} ${name} twice`, res);
        // Free text and lists (outcome=fail&outcome=error) may take repetition.
        if ((kind === 'text' || LISTS.has(name)) && answer.status === 200) return;
        expect(answer).toEqual({
          where: answer.where,
          status: answer.status === 404 ? 404 : 400,
          problem: true,
          parameters: answer.status === 404 ? [] : expect.arrayContaining([name]),
        });
        expect(acceptable(kind)).toContain(answer.status);
      },
    );
  });

  describe('windows', () => {
    const windowed = protectedRoutes.filter((r) => 'from' in r.params && 'to' in r.params);

    it.each(windowed.map((r) => [operationOf(r), r] as const))(
      '%s refuses from >= to (and windows over five years) with 400 naming the parameter',
      async (operation, route) => {
        const wrong: Answer[] = [];
        const ranges = [
          [SEED.to, SEED.from],
          [SEED.from, SEED.from],
          ...(route.unboundedSpan
            ? []
            : [
                ['2019-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
                ['1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z'],
              ]),
        ];
        for (const [from, to] of ranges) {
          const url = withParam(route, context, 'from', enc(from), (q) => {
            q.delete('window');
            q.set('to', enc(to));
          });
          const answer = answerOf(`${operation} from=${from} to=${to}`, await get(url));
          const named = answer.parameters.some((p) => ['from', 'to', 'window'].includes(p));
          if (answer.status !== 400 || !answer.problem || !named) wrong.push(answer);
        }
        expect(wrong).toEqual([]);
      },
    );
  });

  describe('bodies', () => {
    const withBody = protectedRoutes.filter((r) => r.method === 'PUT' || r.method === 'POST');
    const deepArray = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObject = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    const deepYaml = `services: ${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const huge = JSON.stringify({ pad: 'x'.repeat(11 * 1024 * 1024) });

    const bodies: Array<[string, string | undefined, string, number[]]> = [
      ['over 10 MB', 'application/json', huge, [413]],
      ['deeply nested arrays', 'application/json', deepArray, [400]],
      ['deeply nested objects', 'application/json', deepObject, [400]],
      ['malformed JSON', 'application/json', '{"services": [', [400]],
      ['empty JSON', 'application/json', '', [400, 415]],
      ['null', 'application/json', 'null', [400]],
      ['a string', 'application/json', '"\' OR 1=1 --"', [400]],
      ['a number', 'application/json', '1e309', [400]],
      ['an empty array', 'application/json', '[]', [400]],
      ['a null byte', 'application/json', '{"name":"a\\u0000b","role":"dashboard"}', [400]],
      ['plain text', 'text/plain', 'hello', [415]],
      ['XML', 'application/xml', '<catalog/>', [415]],
      ['a form', 'application/x-www-form-urlencoded', 'role=admin&name=x', [415]],
      ['multipart', 'multipart/form-data; boundary=x', '--x\r\n\r\nbody\r\n--x--', [415]],
      ['no content type', undefined, '{"a":1}', [415]],
      ['a bad charset', 'application/json; charset=ebcdic', '{}', [400, 415]],
    ];

    it.each(withBody.map((r) => [operationOf(r), r] as const))(
      '%s refuses oversized, deeply nested, malformed and mistyped bodies with a 4xx problem',
      async (operation, route) => {
        const wrong: Answer[] = [];
        const cases = [...bodies];
        if (route.path === '/api/v1/catalog') {
          cases.push(['deeply nested YAML', 'application/yaml', deepYaml, [400]]);
          // The catalogue reads text/plain as YAML: `hello` is a YAML string, not a catalogue.
          const plain = cases.findIndex(([name]) => name === 'plain text');
          cases[plain] = ['plain text', 'text/plain', 'hello', [400]];
        }
        for (const [name, type, body, statuses] of cases) {
          const sent = call(route.method, route.example(context).url)
            .set('Content-Type', type ?? '')
            .send(body);
          const answer = answerOf(`${operation} with ${name}`, await sent);
          if (!statuses.includes(answer.status) || !answer.problem) wrong.push(answer);
        }
        expect(wrong).toEqual([]);
      },
    );

    it('parses JSON strictly outside HTTP ingest: a JSON string is malformed_json, never YAML text', async () => {
      // YAML reads JSON: this text is a valid catalogue if it ever reached the YAML reader.
      const text = JSON.stringify(SEED_CATALOG);
      const res = await call('PUT', '/api/v1/catalog?dryRun=true')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(text))
        .expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ code: 'malformed_json' })]);
    });

    it('keeps the body depth guard on routes other than HTTP ingest', async () => {
      const nested = `${'{"a":'.repeat(64)}{}${'}'.repeat(64)}`;
      const res = await call('POST', '/api/v1/keys')
        .set('Content-Type', 'application/json')
        .send(nested)
        .expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ code: 'too_deep' })]);
    });

    it('refuses hostile ids and values inside otherwise valid bodies', async () => {
      const wrong: Answer[] = [];
      const send = async (where: string, url: string, type: string, body: unknown) => {
        const res = await call(url.startsWith('/api/v1/catalog') ? 'PUT' : 'POST', url)
          .set('Content-Type', type)
          .send(JSON.stringify(body));
        const answer = answerOf(where, res);
        if (answer.status !== 400 || !answer.problem) wrong.push(answer);
      };
      for (const raw of HOSTILE_TEXT) {
        const catalog = {
          services: [{ id: raw, name: 'x', owner: 'x' }],
          controls: [{ id: SEED.control, title: 't', criteria: ['CC6.1'], frequency: 'daily' }],
          assignments: [{ service: raw, control: SEED.control, from: '2026-01-01T00:00:00Z' }],
        };
        await send(
          `PUT catalog service id ${raw.slice(0, 30)}`,
          '/api/v1/catalog',
          'application/json',
          catalog,
        );
        await send(`POST keys role ${raw.slice(0, 30)}`, '/api/v1/keys', 'application/json', {
          name: 'x',
          role: raw,
        });
        await send(`POST keys services ${raw.slice(0, 30)}`, '/api/v1/keys', 'application/json', {
          name: 'x',
          role: 'auditor',
          services: [raw],
        });
        await send(
          `POST results subject ${raw.slice(0, 30)}`,
          '/api/v1/results',
          'application/cloudevents+json',
          { ...exampleEvent(randomUUID()), subject: raw },
        );
        await send(
          `POST results time ${raw.slice(0, 30)}`,
          '/api/v1/results',
          'application/cloudevents+json',
          { ...exampleEvent(randomUUID()), time: raw },
        );
      }
      expect(wrong).toEqual([]);
    });
  });

  it('leaves the database and the results topic as they were', async () => {
    expect(await databaseFingerprint(db.url)).toEqual(before);
    expect(await resultsOffsets()).toBe(offsetsBefore);
  });
});
