import { Module } from '@nestjs/common';
import {
  CatalogRepository,
  EffectivenessQuery,
  EffectivenessSnapshotRepository,
  ResultHistoryRepository,
  repositoryProviders,
} from '@vigil/persistence';
import { EffectivenessController } from './effectiveness.controller';
import { EffectivenessService } from './effectiveness.service';
import { ResultHistoryService } from './result-history.service';
import { TrendService } from './trend.service';

/** SPEC §6 effectiveness reads: fleet, service, pair, criterion, trend and raw history. */
@Module({
  controllers: [EffectivenessController],
  providers: [
    ...repositoryProviders(
      CatalogRepository,
      EffectivenessQuery,
      EffectivenessSnapshotRepository,
      ResultHistoryRepository,
    ),
    EffectivenessService,
    TrendService,
    ResultHistoryService,
  ],
})
export class EffectivenessModule {}
