import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EffectivenessQuery, SampleEvidenceRepository } from '@vigil/persistence';
import { SamplingController } from './sampling.controller';
import { SamplingService } from './sampling.service';

/** Reproducible samples of expected slots for auditor testing (SPEC §6). */
@Module({
  controllers: [SamplingController],
  providers: [
    {
      provide: EffectivenessQuery,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new EffectivenessQuery(ds),
    },
    {
      provide: SampleEvidenceRepository,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new SampleEvidenceRepository(ds),
    },
    SamplingService,
  ],
})
export class SamplingModule {}
