import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import {
  EffectivenessQuery,
  EffectivenessSnapshotRepository,
  IngestRepository,
  ResultPackRepository,
  StatusChangeRepository,
  repositoryProviders,
} from '@vigil/persistence';
import { METRICS_REGISTRY } from '@vigil/platform';
import { CompactRollupsJob } from './compact-rollups.job';
import { CreatePartitionsJob } from './create-partitions.job';
import { DetectStatusChangesJob } from './detect-status-changes.job';
import { EvaluatorMetrics } from './evaluator-metrics';
import { JobRunner } from './job-runner';
import { LeaderElection } from './leader-election.service';
import { PackResultsJob } from './pack-results.job';
import { RefreshSnapshotsJob } from './refresh-snapshots.job';

/** The evaluator's scheduled jobs; each runs only on the elected leader (SPEC §2). */
@Module({
  providers: [
    {
      provide: EvaluatorMetrics,
      inject: [METRICS_REGISTRY],
      useFactory: (r: Registry) => new EvaluatorMetrics(r),
    },
    ...repositoryProviders(
      EffectivenessQuery,
      EffectivenessSnapshotRepository,
      IngestRepository,
      ResultPackRepository,
      StatusChangeRepository,
    ),
    LeaderElection,
    JobRunner,
    CreatePartitionsJob,
    RefreshSnapshotsJob,
    DetectStatusChangesJob,
    PackResultsJob,
    CompactRollupsJob,
  ],
})
export class JobsModule {}
