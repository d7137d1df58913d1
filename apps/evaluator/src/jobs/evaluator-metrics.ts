import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The evaluator's own metrics (job durations, leadership, snapshot rows). */
export class EvaluatorMetrics {
  readonly leader: Gauge;
  readonly jobDuration: Histogram<'job' | 'outcome'>;
  readonly snapshotRows: Counter;
  readonly lastSnapshotRows: Gauge;
  readonly statusChanges: Counter<'reason'>;
  readonly statusChangesPublished: Counter;
  readonly rollupDeltasCompacted: Counter;

  constructor(registry: Registry) {
    this.leader = new Gauge({
      name: 'vigil_evaluator_leader',
      help: '1 while this replica holds the leader lock and runs the jobs, else 0',
      registers: [registry],
    });
    this.leader.set(0);
    this.jobDuration = new Histogram({
      name: 'vigil_evaluator_job_duration_seconds',
      help: 'Duration of one run of a scheduled job',
      labelNames: ['job', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300],
      registers: [registry],
    });
    this.snapshotRows = new Counter({
      name: 'vigil_evaluator_snapshot_rows_total',
      help: 'Effectiveness snapshot rows written',
      registers: [registry],
    });
    this.lastSnapshotRows = new Gauge({
      name: 'vigil_evaluator_snapshot_rows_last',
      help: 'Rows written by the last daily snapshot run',
      registers: [registry],
    });
    this.statusChanges = new Counter({
      name: 'vigil_evaluator_status_changes_total',
      help: 'Status changes detected and logged',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.statusChangesPublished = new Counter({
      name: 'vigil_evaluator_status_changes_published_total',
      help: 'Status change events acknowledged by Kafka',
      registers: [registry],
    });
    this.rollupDeltasCompacted = new Counter({
      name: 'vigil_evaluator_rollup_deltas_compacted_total',
      help: 'Daily rollup deltas folded into daily_rollups by the compact-rollups job',
      registers: [registry],
    });
  }
}
