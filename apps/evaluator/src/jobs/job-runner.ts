import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER } from '@vigil/platform';
import { EvaluatorMetrics } from './evaluator-metrics';
import { LeaderElection } from './leader-election.service';

/** Runs a job only on the leader, never two runs of one job at once, timed and logged. */
@Injectable()
export class JobRunner {
  private readonly running = new Set<string>();

  constructor(
    @Inject(LeaderElection) private readonly leader: LeaderElection,
    @Inject(EvaluatorMetrics) private readonly metrics: EvaluatorMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** False when skipped (not leader, or the previous run is still going). */
  async run(job: string, fn: () => Promise<void>): Promise<boolean> {
    if (!this.leader.isLeader() || this.running.has(job)) return false;
    this.running.add(job);
    const end = this.metrics.jobDuration.startTimer({ job });
    try {
      await fn();
      end({ outcome: 'ok' });
      return true;
    } catch (error: unknown) {
      end({ outcome: 'error' });
      this.logger.error({ err: error, job }, 'evaluator job failed');
      return false;
    } finally {
      this.running.delete(job);
    }
  }
}
