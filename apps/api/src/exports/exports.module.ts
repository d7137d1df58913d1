import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CatalogRepository,
  EffectivenessQuery,
  ExportLogRepository,
  ExportResultsRepository,
} from '@vigil/persistence';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { PeriodExportService } from './period-export.service';

/** Auditor exports (SPEC §7): the period export in every format and the export log. */
@Module({
  controllers: [ExportsController],
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
      provide: ExportResultsRepository,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new ExportResultsRepository(ds),
    },
    {
      provide: ExportLogRepository,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new ExportLogRepository(ds),
    },
    PeriodExportService,
    ExportsService,
  ],
})
export class ExportsModule {}
