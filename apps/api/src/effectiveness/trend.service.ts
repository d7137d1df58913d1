import { Inject, Injectable } from '@nestjs/common';
import {
  CatalogRepository,
  EffectivenessSnapshotRepository,
  type SnapshotScope,
} from '@vigil/persistence';
import { notFound } from '../http/problem';
import type { QueryWindow } from '../http/window';
import { WindowDto, rollupFields } from './dto/effectiveness.dto';
import { TrendDto } from './dto/trend.dto';

/** Daily snapshots of the rolling windows (SPEC §5), written by the evaluator. */
@Injectable()
export class TrendService {
  constructor(
    @Inject(EffectivenessSnapshotRepository)
    private readonly snapshots: EffectivenessSnapshotRepository,
    @Inject(CatalogRepository) private readonly catalog: CatalogRepository,
  ) {}

  async trend(scope: SnapshotScope, periodDays: number, window: QueryWindow): Promise<TrendDto> {
    if (scope.serviceId !== undefined && !(await this.catalog.serviceExists(scope.serviceId))) {
      throw notFound(`No service "${scope.serviceId}" in the catalogue`);
    }
    if (scope.controlId !== undefined && !(await this.catalog.controlExists(scope.controlId))) {
      throw notFound(`No control "${scope.controlId}" in the catalogue`);
    }
    if (scope.criterionId !== undefined && !(await this.catalog.findCriterion(scope.criterionId))) {
      throw notFound(`No criterion "${scope.criterionId}"`);
    }
    const rows = await this.snapshots.findTrend({ scope, periodDays, ...window });
    return {
      scope: { ...scope },
      periodDays,
      window: WindowDto.of(window),
      items: rows.map((row) => ({
        day: row.day,
        window: WindowDto.of(row.window),
        verdict: row.data.verdict,
        expectedOccurrences: row.data.expectedOccurrences,
        deviations: row.data.deviations,
        deviationRate: row.data.deviationRate,
        coverage: row.data.coverage,
        timeInCompliance: row.data.timeInCompliance,
        // A rollup's fields as the live rollups name them (pairCount, not the stored pairs).
        effectiveness:
          scope.kind === 'pair' || !('pairs' in row.data)
            ? { ...row.data }
            : { ...rollupFields(row.data) },
      })),
    };
  }
}
