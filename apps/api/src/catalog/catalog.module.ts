import { Module } from '@nestjs/common';
import { CatalogRepository, repositoryProviders } from '@vigil/persistence';
import { CatalogApplyService } from './catalog-apply.service';
import { CatalogController } from './catalog.controller';
import { ControlsController } from './controls.controller';
import { CriteriaController } from './criteria.controller';
import { ServicesController } from './services.controller';
import { UnmappedController } from './unmapped.controller';

/** The catalogue (SPEC §4, §6): controls as code, service scope with history, TSC criteria. */
@Module({
  controllers: [
    CatalogController,
    ServicesController,
    ControlsController,
    CriteriaController,
    UnmappedController,
  ],
  providers: [...repositoryProviders(CatalogRepository), CatalogApplyService],
  exports: [CatalogRepository],
})
export class CatalogModule {}
