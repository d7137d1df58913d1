import { Module } from '@nestjs/common';
import {
  EffectivenessQuery,
  SampleEvidenceRepository,
  repositoryProviders,
} from '@vigil/persistence';
import { SamplingController } from './sampling.controller';
import { SamplingService } from './sampling.service';

/** Reproducible samples of expected slots for auditor testing (SPEC §6). */
@Module({
  controllers: [SamplingController],
  providers: [
    ...repositoryProviders(EffectivenessQuery, SampleEvidenceRepository),
    SamplingService,
  ],
})
export class SamplingModule {}
