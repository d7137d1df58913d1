import { REJECTION_CODES, type RejectionCode } from '@vigil/contracts';
import { Counter, Registry } from 'prom-client';

export const HTTP_INGEST_EVENTS = Symbol('HTTP_INGEST_EVENTS');

export type HttpIngestOutcome = 'accepted' | 'rejected';

/** What HTTP ingest counts (SPEC §3: "every rejection is counted in metrics"). */
export interface HttpIngestCounter {
  /** `vigil_http_ingest_events_total{outcome}`. */
  inc(labels: { outcome: HttpIngestOutcome }, value: number): void;
  /** `vigil_http_ingest_rejections_total{code}`: the rejected events by their SPEC §3 code. */
  rejected(code: RejectionCode, value?: number): void;
}

/**
 * `vigil_http_ingest_events_total{outcome}` (events acknowledged by Kafka, or rejected as
 * invalid) and `vigil_http_ingest_rejections_total{code}` (the rejected ones by code, as
 * ingest's `vigil_ingest_rejections_total{code}` counts the Kafka path's).
 */
export function createHttpIngestCounter(registry: Registry): HttpIngestCounter {
  const events = new Counter({
    name: 'vigil_http_ingest_events_total',
    help: 'Events received by POST /api/v1/results: accepted (acknowledged by Kafka) or rejected (invalid, SPEC §3)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'vigil_http_ingest_rejections_total',
    help: 'Events POST /api/v1/results rejected, by SPEC §3 rejection code (400 per event)',
    labelNames: ['code'],
    registers: [registry],
  });
  // Every series exists from the start, so rate() and alerts see a zero rather than no data.
  for (const outcome of ['accepted', 'rejected'] satisfies HttpIngestOutcome[]) {
    events.inc({ outcome }, 0);
  }
  for (const code of REJECTION_CODES) rejections.inc({ code }, 0);
  return {
    inc: (labels, value) => events.inc(labels, value),
    rejected: (code, value = 1) => rejections.inc({ code }, value),
  };
}
