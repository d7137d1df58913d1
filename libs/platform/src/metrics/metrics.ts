import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per process. Metric objects are created by the module that owns them
 * (ingest counters in apps/ingest, HTTP histograms in apps/api) and registered here.
 */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}
