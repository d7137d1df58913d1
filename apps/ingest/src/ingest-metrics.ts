import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REJECTION_CODES, RejectionCode } from '@vigil/contracts';

/** The ingest counters of issue 3 §5, on the process registry (METRICS_REGISTRY). */
export class IngestMetrics {
  readonly consumed: Counter;
  readonly stored: Counter;
  readonly duplicates: Counter;
  readonly redeliveriesSkipped: Counter;
  readonly rejections: Counter<'code'>;
  readonly batchSize: Histogram;
  readonly batchDuration: Histogram;
  readonly consumerLag: Gauge<'partition'>;
  readonly retries: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.consumed = new Counter({
      name: 'vigil_ingest_results_consumed_total',
      help: 'Records read from the results topic (redeliveries included)',
      registers,
    });
    this.stored = new Counter({
      name: 'vigil_ingest_results_stored_total',
      help: 'Results inserted into PostgreSQL',
      registers,
    });
    this.duplicates = new Counter({
      name: 'vigil_ingest_duplicates_total',
      help: 'Valid results whose identity and content were already stored (counted, stored once)',
      registers,
    });
    this.redeliveriesSkipped = new Counter({
      name: 'vigil_ingest_redeliveries_skipped_total',
      help: 'Records below the offset stored in PostgreSQL (already applied), skipped',
      registers,
    });
    this.rejections = new Counter({
      name: 'vigil_ingest_rejections_total',
      help: 'Records sent to the dead-letter topic, by rejection code',
      labelNames: ['code'],
      registers,
    });
    for (const code of REJECTION_CODES) this.rejections.inc({ code }, 0);
    this.batchSize = new Histogram({
      name: 'vigil_ingest_batch_size',
      help: 'Records per batch transaction',
      buckets: [1, 10, 50, 100, 500, 1000, 2000, 5000, 10000, 20000],
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'vigil_ingest_batch_duration_seconds',
      help: 'Time to decode, write and commit one batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'vigil_ingest_consumer_lag',
      help: 'Records behind the high watermark, per partition of the results topic',
      labelNames: ['partition'],
      registers,
    });
    this.retries = new Counter({
      name: 'vigil_ingest_batch_retries_total',
      help: 'Batch attempts that failed on an infrastructure error and were retried',
      registers,
    });
  }

  rejected(code: RejectionCode, n = 1): void {
    this.rejections.inc({ code }, n);
  }
}
