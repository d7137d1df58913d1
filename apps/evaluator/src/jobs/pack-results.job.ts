import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { Logger } from 'pino';
import { ResultPackRepository } from '@vigil/persistence';
import { LOGGER } from '@vigil/platform';
import { JobRunner } from './job-runner';
import { LeaderElection } from './leader-election.service';

/** The start of the UTC day of `now`: packs cover whole days before it. */
export function packHorizon(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Keeps the result packs (see the ResultPacks migration) current: every month packed up to the
 * start of today, and the packs late results invalidated rebuilt. The first run after midnight
 * extends the current month's packs by the day that ended (~1 s for 10,000 pairs); other runs
 * only repair. While a month is being packed, ingest batches holding results of that month
 * wait for it.
 */
@Injectable()
export class PackResultsJob implements OnModuleInit {
  constructor(
    @Inject(ResultPackRepository) private readonly packs: ResultPackRepository,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(LeaderElection) private readonly leader: LeaderElection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.leader.onElected(() => this.run(new Date()).then(() => undefined));
  }

  @Cron('*/5 * * * *', { timeZone: 'UTC' })
  async scheduled(): Promise<void> {
    await this.run(new Date());
  }

  async run(now: Date): Promise<boolean> {
    return this.runner.run('pack-results', async () => {
      const report = await this.packs.packUntil(packHorizon(now), (month) =>
        this.logger.info(month, 'result packs built for a month'),
      );
      if (report.repacked > 0) {
        this.logger.info({ repacked: report.repacked }, 'invalidated result packs rebuilt');
      }
    });
  }
}
