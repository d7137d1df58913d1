import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { JobRunner } from './job-runner';
import { LeaderElection } from './leader-election.service';

/** Months of `results` partitions kept ready ahead of the current one (SPEC §8). */
export const PARTITIONS_AHEAD = 2;

/** Creates this month's and the next months' `results` partitions before rows arrive for them. */
@Injectable()
export class CreatePartitionsJob implements OnModuleInit {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(LeaderElection) private readonly leader: LeaderElection,
  ) {}

  onModuleInit(): void {
    this.leader.onElected(() => this.run().then(() => undefined));
  }

  @Cron(CronExpression.EVERY_HOUR, { timeZone: 'UTC' })
  async run(): Promise<boolean> {
    return this.runner.run('create-partitions', async () => {
      // The ingest migration's function: idempotent, serialised by its own advisory lock.
      await this.dataSource.query(`SELECT vigil_ensure_results_partitions_ahead($1)`, [
        PARTITIONS_AHEAD,
      ]);
    });
  }
}
