import request from 'supertest';
import type { ApiKeyRole } from '@vigil/persistence';
import { KafkaClient } from '@vigil/platform';
import { kafkaBrokers } from './infra';
import { SeedResult, seedResults, withClient } from './seed-effectiveness';

/**
 * The expected access table of the API (SPEC §6), one entry per operation of /api/docs-json:
 * admin = catalogue write, keys and the export log (and everything else); dashboard = reads;
 * auditor = reads (samples too) and exports, optionally limited to services; producer =
 * POST /api/v1/results only. The role matrix and the bad-input tests are driven from it, and
 * the matrix fails when the API serves an operation this table does not list.
 */

export const ROLES: readonly ApiKeyRole[] = ['admin', 'dashboard', 'auditor', 'producer'];

/** The data the tests seed; example requests below name it. */
export const SEED = {
  service: 'payments-api',
  /** The only service of the limited auditor key: never `SEED.service`. */
  otherService: 'ledger',
  control: 'mfa-enforced',
  weeklyControl: 'backup-verified',
  criterion: 'CC6.1',
  unmappedService: 'ghost-service',
  from: '2026-03-01T00:00:00Z',
  to: '2026-03-11T00:00:00Z',
} as const;

const WINDOW = `from=${SEED.from}&to=${SEED.to}`;

/** The catalogue document the tests PUT (JSON form of SPEC §4). */
export const SEED_CATALOG = {
  services: [
    { id: SEED.service, name: 'Payments API', owner: 'team-payments' },
    { id: SEED.otherService, name: 'Ledger', owner: 'team-ledger' },
  ],
  controls: [
    {
      id: SEED.control,
      title: 'MFA enforced for all console users',
      criteria: ['CC6.1', 'CC6.2'],
      frequency: 'daily',
      tolerableDeviationRate: 0.05,
    },
    {
      id: SEED.weeklyControl,
      title: 'Backups restored and verified',
      criteria: ['A1.2', 'CC6.1'],
      frequency: 'weekly',
    },
  ],
  assignments: [
    { service: SEED.service, control: SEED.control, from: '2026-01-01T00:00:00Z' },
    { service: SEED.service, control: SEED.weeklyControl, from: '2026-01-01T00:00:00Z' },
    { service: SEED.otherService, control: SEED.control, from: '2026-01-01T00:00:00Z' },
  ],
};

/** A valid control-result CloudEvent (SPEC §3) for the producer's POST. */
export function exampleEvent(id: string, time = new Date()): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: '//test.vigil/api-matrix',
    type: 'io.vigil.control.result.v1',
    time: time.toISOString(),
    subject: SEED.service,
    datacontenttype: 'application/json',
    data: { controlId: SEED.control, outcome: 'pass', evidence: { uri: 's3://evidence/1.json' } },
  };
}

/** What an example request needs that only exists once the test ran its setup. */
export interface RouteContext {
  /** A throwaway key the admin may revoke (revoking is idempotent). */
  revocableKeyId: string;
  /** A fresh id per call, for event ids. */
  uniqueId(): string;
}

export interface ExampleRequest {
  /** Path and query, with the seeded ids filled in. */
  url: string;
  body?: string;
  contentType?: string;
}

/**
 * How each parameter is attacked by the bad-input test:
 * - `serviceId`, `controlId`, `criterionId`, `keyId`: path ids (unknown → 404, malformed → 400 or 404);
 * - `instant`: an RFC 3339 date-time; `window`: an ISO 8601 duration; `limit` (1–1000) and
 *   `size` (1–10000): counts;
 * - `cursor`: an opaque cursor; `enum`: one of a fixed list; `ref`: an id in the query
 *   (400 or 404 when unknown); `text`: free text (any non-5xx answer; e.g. a sampling seed).
 */
export type ParamKind =
  | 'serviceId'
  | 'controlId'
  | 'criterionId'
  | 'keyId'
  | 'instant'
  | 'window'
  | 'limit'
  | 'size'
  | 'cursor'
  | 'enum'
  | 'ref'
  | 'text';

/**
 * `service`: the answer is about one service (a limited auditor gets 403 for another);
 * `filtered`: the answer covers several services and is cut to the key's services;
 * `unlimited`: the answer covers every service and cannot be cut (a limited auditor gets 403);
 * `global`: nothing service-specific.
 */
export type ServiceScope = 'service' | 'filtered' | 'unlimited' | 'global';

export interface ApiRoute {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** OpenAPI path template, as in /api/docs-json. */
  path: string;
  /** `public`: no key needed; otherwise the roles allowed (admin always is). */
  access: 'public' | readonly ApiKeyRole[];
  /** Status of the example request for an allowed role. */
  success: number;
  scope: ServiceScope;
  /**
   * `from`/`to` are independent bounds of a paged list rather than a window: any span is fine,
   * but from must still be before to.
   */
  unboundedSpan?: true;
  /** Path and query parameters, by name (path ids first). */
  params: Record<string, ParamKind>;
  example(context: RouteContext): ExampleRequest;
}

export const operationOf = (route: Pick<ApiRoute, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

/** The status a key of this role gets for the example request. */
export function expectedStatus(route: ApiRoute, role: ApiKeyRole): number {
  if (route.access === 'public') return route.success;
  return route.access.includes(role) ? route.success : 403;
}

const READERS: readonly ApiKeyRole[] = ['admin', 'dashboard', 'auditor'];
const WINDOW_PARAMS = { from: 'instant', to: 'instant', window: 'window' } as const;
const PAGE_PARAMS = { limit: 'limit', cursor: 'cursor' } as const;
const PAIR = `/api/v1/services/${SEED.service}/controls/${SEED.control}`;

export const API_ROUTES: readonly ApiRoute[] = [
  // Operations (public).
  {
    method: 'GET',
    path: '/health/live',
    access: 'public',
    success: 200,
    scope: 'global',
    params: {},
    example: () => ({ url: '/health/live' }),
  },
  {
    method: 'GET',
    path: '/health/ready',
    access: 'public',
    success: 200,
    scope: 'global',
    params: {},
    example: () => ({ url: '/health/ready' }),
  },
  {
    method: 'GET',
    path: '/metrics',
    access: 'public',
    success: 200,
    scope: 'global',
    params: {},
    example: () => ({ url: '/metrics' }),
  },
  // Catalogue.
  {
    method: 'PUT',
    path: '/api/v1/catalog',
    access: ['admin'],
    success: 200,
    scope: 'global',
    params: { dryRun: 'enum' },
    example: () => ({
      url: '/api/v1/catalog',
      body: JSON.stringify(SEED_CATALOG),
      contentType: 'application/json',
    }),
  },
  {
    method: 'GET',
    path: '/api/v1/catalog',
    access: READERS,
    success: 200,
    scope: 'filtered',
    params: {},
    example: () => ({ url: '/api/v1/catalog' }),
  },
  {
    method: 'GET',
    path: '/api/v1/catalog/applies',
    access: READERS,
    success: 200,
    scope: 'unlimited',
    params: PAGE_PARAMS,
    example: () => ({ url: '/api/v1/catalog/applies?limit=10' }),
  },
  {
    method: 'GET',
    path: '/api/v1/services',
    access: READERS,
    success: 200,
    scope: 'filtered',
    params: PAGE_PARAMS,
    example: () => ({ url: '/api/v1/services?limit=10' }),
  },
  {
    method: 'GET',
    path: '/api/v1/services/{id}',
    access: READERS,
    success: 200,
    scope: 'service',
    params: { id: 'serviceId' },
    example: () => ({ url: `/api/v1/services/${SEED.service}` }),
  },
  {
    method: 'GET',
    path: '/api/v1/controls',
    access: READERS,
    success: 200,
    scope: 'global',
    params: PAGE_PARAMS,
    example: () => ({ url: '/api/v1/controls?limit=10' }),
  },
  {
    method: 'GET',
    path: '/api/v1/controls/{id}',
    access: READERS,
    success: 200,
    scope: 'filtered',
    params: { id: 'controlId' },
    example: () => ({ url: `/api/v1/controls/${SEED.control}` }),
  },
  {
    method: 'GET',
    path: '/api/v1/criteria',
    access: READERS,
    success: 200,
    scope: 'global',
    params: { category: 'enum', ...PAGE_PARAMS },
    example: () => ({ url: '/api/v1/criteria?category=CC&limit=10' }),
  },
  {
    method: 'GET',
    path: '/api/v1/unmapped',
    access: READERS,
    success: 200,
    scope: 'filtered',
    params: PAGE_PARAMS,
    example: () => ({ url: '/api/v1/unmapped' }),
  },
  // Effectiveness.
  {
    method: 'GET',
    path: '/api/v1/effectiveness',
    access: READERS,
    success: 200,
    scope: 'filtered',
    params: WINDOW_PARAMS,
    example: () => ({ url: `/api/v1/effectiveness?${WINDOW}` }),
  },
  {
    method: 'GET',
    path: '/api/v1/effectiveness/trend',
    access: READERS,
    success: 200,
    scope: 'service',
    params: { service: 'ref', control: 'ref', criterion: 'ref', period: 'enum', ...WINDOW_PARAMS },
    example: () => ({
      url: `/api/v1/effectiveness/trend?service=${SEED.service}&control=${SEED.control}&window=P90D`,
    }),
  },
  {
    method: 'GET',
    path: '/api/v1/services/{id}/effectiveness',
    access: READERS,
    success: 200,
    scope: 'service',
    params: { id: 'serviceId', ...WINDOW_PARAMS },
    example: () => ({ url: `/api/v1/services/${SEED.service}/effectiveness?${WINDOW}` }),
  },
  {
    method: 'GET',
    path: '/api/v1/services/{id}/controls/{controlId}/effectiveness',
    access: READERS,
    success: 200,
    scope: 'service',
    params: { id: 'serviceId', controlId: 'controlId', ...WINDOW_PARAMS },
    example: () => ({ url: `${PAIR}/effectiveness?${WINDOW}` }),
  },
  {
    method: 'GET',
    path: '/api/v1/services/{id}/controls/{controlId}/results',
    access: READERS,
    success: 200,
    scope: 'service',
    unboundedSpan: true,
    params: {
      id: 'serviceId',
      controlId: 'controlId',
      ...WINDOW_PARAMS,
      outcome: 'enum',
      ...PAGE_PARAMS,
    },
    example: () => ({ url: `${PAIR}/results?${WINDOW}&limit=5` }),
  },
  {
    method: 'GET',
    path: '/api/v1/criteria/{criterionId}/effectiveness',
    access: READERS,
    success: 200,
    scope: 'filtered',
    params: { criterionId: 'criterionId', ...WINDOW_PARAMS },
    example: () => ({ url: `/api/v1/criteria/${SEED.criterion}/effectiveness?${WINDOW}` }),
  },
  // Sampling is a read (dashboards prepare samples too); exports are auditors' and admins'.
  {
    method: 'GET',
    path: '/api/v1/services/{id}/controls/{controlId}/sample',
    access: READERS,
    success: 200,
    scope: 'service',
    unboundedSpan: true,
    params: {
      id: 'serviceId',
      controlId: 'controlId',
      ...WINDOW_PARAMS,
      seed: 'text',
      size: 'size',
    },
    example: () => ({ url: `${PAIR}/sample?${WINDOW}&seed=matrix&size=3` }),
  },
  {
    method: 'GET',
    path: '/api/v1/exports/period',
    access: ['admin', 'auditor'],
    success: 200,
    scope: 'filtered',
    params: { from: 'instant', to: 'instant', service: 'ref', format: 'enum', table: 'enum' },
    example: () => ({ url: `/api/v1/exports/period?${WINDOW}&format=json` }),
  },
  {
    method: 'GET',
    path: '/api/v1/exports',
    access: ['admin'],
    success: 200,
    scope: 'global',
    params: PAGE_PARAMS,
    example: () => ({ url: '/api/v1/exports?limit=5' }),
  },
  // Ingest.
  {
    method: 'POST',
    path: '/api/v1/results',
    access: ['admin', 'producer'],
    success: 202,
    scope: 'global',
    params: {},
    example: (context) => ({
      url: '/api/v1/results',
      body: JSON.stringify(exampleEvent(context.uniqueId())),
      contentType: 'application/cloudevents+json',
    }),
  },
  // Keys.
  {
    method: 'GET',
    path: '/api/v1/keys',
    access: ['admin'],
    success: 200,
    scope: 'global',
    params: PAGE_PARAMS,
    example: () => ({ url: '/api/v1/keys?limit=5' }),
  },
  {
    method: 'POST',
    path: '/api/v1/keys',
    access: ['admin'],
    success: 201,
    scope: 'global',
    params: {},
    example: (context) => ({
      url: '/api/v1/keys',
      body: JSON.stringify({ name: `matrix-${context.uniqueId()}`, role: 'dashboard' }),
      contentType: 'application/json',
    }),
  },
  {
    method: 'DELETE',
    path: '/api/v1/keys/{id}',
    access: ['admin'],
    success: 204,
    scope: 'global',
    params: { id: 'keyId' },
    example: (context) => ({ url: `/api/v1/keys/${context.revocableKeyId}` }),
  },
];

/** Results of the seeded window, per pair: a few days of passes and one failure. */
function seededResults(): SeedResult[] {
  const results: SeedResult[] = [];
  for (let day = 1; day <= 10; day++) {
    const time = `2026-03-${String(day).padStart(2, '0')}T10:00:00Z`;
    results.push(
      {
        serviceId: SEED.service,
        controlId: SEED.control,
        outcome: day === 4 ? 'fail' : 'pass',
        time,
        evidenceUri: `s3://evidence/mfa/${day}.json`,
      },
      { serviceId: SEED.otherService, controlId: SEED.control, outcome: 'pass', time },
    );
  }
  results.push(
    {
      serviceId: SEED.service,
      controlId: SEED.weeklyControl,
      outcome: 'pass',
      time: '2026-03-03T10:00:00Z',
    },
    // Pairs no assignment covers: listed by GET /api/v1/unmapped.
    { serviceId: SEED.service, controlId: 'unassigned-check', outcome: 'pass', time: SEED.from },
    {
      serviceId: SEED.otherService,
      controlId: 'unassigned-check',
      outcome: 'fail',
      time: SEED.from,
    },
  );
  return results;
}

/**
 * Seeds the data the example requests read: the catalogue through `PUT /api/v1/catalog` (as
 * an admin does), results and their daily rollups straight into the tables the ingest writes.
 */
export async function seedApiData(
  server: Parameters<typeof request>[0],
  adminKey: string,
  databaseUrl: string,
): Promise<void> {
  await request(server)
    .put('/api/v1/catalog')
    .set('Authorization', `Bearer ${adminKey}`)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(SEED_CATALOG))
    .expect(200);
  await withClient(databaseUrl, async (client) => {
    await seedResults(client, seededResults());
    // What the ingest keeps per (service, control, UTC day), derived from the rows above.
    await client.query(`
      INSERT INTO daily_rollups (service_id, control_id, day, pass_count, fail_count, error_count,
        not_applicable_count, late_count, first_time, last_time, last_outcome, pass_hours, fail_hours,
        not_applicable_hours)
      SELECT service_id, control_id, (time AT TIME ZONE 'UTC')::date,
        count(*) FILTER (WHERE outcome = 'pass'), count(*) FILTER (WHERE outcome = 'fail'),
        count(*) FILTER (WHERE outcome = 'error'), count(*) FILTER (WHERE outcome = 'not_applicable'),
        count(*) FILTER (WHERE late), min(time), max(time), (array_agg(outcome ORDER BY time DESC))[1],
        coalesce(bit_or(1 << extract(hour FROM time AT TIME ZONE 'UTC')::int) FILTER (WHERE outcome = 'pass'), 0),
        coalesce(bit_or(1 << extract(hour FROM time AT TIME ZONE 'UTC')::int) FILTER (WHERE outcome IN ('fail', 'error')), 0),
        coalesce(bit_or(1 << extract(hour FROM time AT TIME ZONE 'UTC')::int) FILTER (WHERE outcome = 'not_applicable'), 0)
      FROM results GROUP BY 1, 2, 3`);
  });
}

/**
 * Waits until the broker serves a freshly created topic's partitions: right after creation a
 * loaded broker can still answer "does not host this topic-partition" to an app starting up.
 */
export async function waitForTopic(topic: string, timeoutMs = 30_000): Promise<void> {
  const kafka = new KafkaClient({ brokers: kafkaBrokers().split(','), clientId: 'vigil-test' });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        const partitions = await kafka.topicOffsets(topic);
        if (partitions.length > 0) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await kafka.close();
  }
}
