import { Inject, Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Logger } from 'pino';
import { IngestRepository } from '@vigil/persistence';
import { LOGGER } from '@vigil/platform';
import { EvaluatorMetrics } from './evaluator-metrics';
import { JobRunner } from './job-runner';

/** How often the leader folds ingest's rollup deltas into daily_rollups. */
export const COMPACT_ROLLUPS_EVERY_MS = 10_000;
/** Deltas moved per statement; a run repeats until fewer are left. */
export const COMPACT_ROLLUPS_CHUNK = 50_000;

/**
 * Folds the deltas ingest appends to `daily_rollup_deltas` into `daily_rollups` (see the
 * DailyRollupDeltas migration). The rollups are exact whether or not this has run; it keeps
 * the deltas few so `daily_rollups_current` stays cheap to read. One statement per chunk, each
 * its own transaction, so a long backlog (after a replay, or with the evaluator down) never
 * holds locks for long.
 */
@Injectable()
export class CompactRollupsJob {
  constructor(
    @Inject(IngestRepository) private readonly ingest: IngestRepository,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(EvaluatorMetrics) private readonly metrics: EvaluatorMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Interval(COMPACT_ROLLUPS_EVERY_MS)
  async scheduled(): Promise<void> {
    await this.run();
  }

  async run(): Promise<boolean> {
    return this.runner.run('compact-rollups', async () => {
      let total = 0;
      for (;;) {
        const moved = await this.ingest.compactDailyRollups(COMPACT_ROLLUPS_CHUNK);
        total += moved;
        this.metrics.rollupDeltasCompacted.inc(moved);
        if (moved < COMPACT_ROLLUPS_CHUNK) break;
        this.logger.info({ moved: total }, 'compacting a backlog of daily rollup deltas');
      }
      if (total > 0) this.logger.debug({ moved: total }, 'daily rollup deltas compacted');
    });
  }
}
