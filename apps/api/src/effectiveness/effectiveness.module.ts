import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CatalogRepository,
  EffectivenessQuery,
  EffectivenessSnapshotRepository,
  ResultHistoryRepository,
} from '@vigil/persistence';
import { EffectivenessController } from './effectiveness.controller';
import { EffectivenessService } from './effectiveness.service';
import { ResultHistoryService } from './result-history.service';
import { TrendService } from './trend.service';

/** SPEC §6 effectiveness reads: fleet, service, pair, criterion, trend and raw history. */
@Module({
  controllers: [EffectivenessController],
  providers: [
    {
      provide: CatalogRepository,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new CatalogRepository(ds),
    },
    {
      provide: EffectivenessQuery,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new EffectivenessQuery(ds),
    },
    {
      provide: EffectivenessSnapshotRepository,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new EffectivenessSnapshotRepository(ds),
    },
    {
      provide: ResultHistoryRepository,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new ResultHistoryRepository(ds),
    },
    EffectivenessService,
    TrendService,
    ResultHistoryService,
  ],
})
export class EffectivenessModule {}
