import { Counter, Registry } from 'prom-client';

export const HTTP_INGEST_EVENTS = Symbol('HTTP_INGEST_EVENTS');

export type HttpIngestOutcome = 'accepted' | 'rejected';
export type HttpIngestCounter = Counter<'outcome'>;

/** `vigil_http_ingest_events_total{outcome}`: events acknowledged by Kafka, or rejected as invalid. */
export function createHttpIngestCounter(registry: Registry): HttpIngestCounter {
  const counter = new Counter({
    name: 'vigil_http_ingest_events_total',
    help: 'Events received by POST /api/v1/results: accepted (acknowledged by Kafka) or rejected (invalid, SPEC §3)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  // Both series exist from the start, so rate() and alerts see a zero rather than no data.
  for (const outcome of ['accepted', 'rejected'] satisfies HttpIngestOutcome[]) {
    counter.inc({ outcome }, 0);
  }
  return counter;
}
