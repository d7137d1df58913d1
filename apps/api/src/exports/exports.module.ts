import { Module } from '@nestjs/common';
import {
  CatalogRepository,
  EffectivenessQuery,
  ExportLogRepository,
  ExportResultsRepository,
  repositoryProviders,
} from '@vigil/persistence';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { PeriodExportService } from './period-export.service';

/** Auditor exports (SPEC §7): the period export in every format and the export log. */
@Module({
  controllers: [ExportsController],
  providers: [
    ...repositoryProviders(
      CatalogRepository,
      EffectivenessQuery,
      ExportResultsRepository,
      ExportLogRepository,
    ),
    PeriodExportService,
    ExportsService,
  ],
})
export class ExportsModule {}
