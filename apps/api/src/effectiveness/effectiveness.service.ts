import { Inject, Injectable } from '@nestjs/common';
import { RollupAccumulator, rollUp } from '@vigil/domain';
import { CatalogRepository, EffectivenessQuery } from '@vigil/persistence';
import { notFound } from '../http/problem';
import type { QueryWindow } from '../http/window';
import {
  CriterionEffectivenessDto,
  FleetEffectivenessDto,
  PairEffectivenessDto,
  PairEffectivenessResponseDto,
  ServiceEffectivenessDto,
  SlotDto,
  WindowDto,
  rollupFields,
} from './dto/effectiveness.dto';

/** Services visible to the caller: null for all (SPEC §6: auditor keys may be limited). */
export type ServiceFilter = string[] | null;

/** The effectiveness reads of SPEC §6: fleet, service, pair and criterion (SPEC §5 numbers). */
@Injectable()
export class EffectivenessService {
  constructor(
    @Inject(EffectivenessQuery) private readonly query: EffectivenessQuery,
    @Inject(CatalogRepository) private readonly catalog: CatalogRepository,
  ) {}

  async fleet(
    window: QueryWindow,
    now: Date,
    visible: ServiceFilter,
  ): Promise<FleetEffectivenessDto> {
    // Streamed: each pair goes into its service's rollup and the fleet's, and is dropped; the
    // answer never holds the fleet's 10,000 evaluations at once (Node's GC time, measured).
    const fleet = new RollupAccumulator();
    const byService = new Map<string, RollupAccumulator>();
    if (visible?.length !== 0) {
      const serviceIds = visible ?? undefined;
      const [active] = await Promise.all([
        this.catalog.listActiveServiceIds({ serviceIds }),
        this.query.forEachPair({ ...window, now, serviceIds }, async (pair) => {
          let service = byService.get(pair.serviceId);
          if (service === undefined) {
            service = new RollupAccumulator();
            byService.set(pair.serviceId, service);
          }
          service.add(pair.effectiveness);
          fleet.add(pair.effectiveness);
        }),
      ]);
      // "Every service" (SPEC §6): one without a pair in the window is listed as not in scope.
      for (const id of active) if (!byService.has(id)) byService.set(id, new RollupAccumulator());
    }
    return {
      window: WindowDto.of(window),
      asOf: asOf(window, now).toISOString(),
      ...rollupFields(fleet.result()),
      services: [...byService]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([serviceId, rollup]) => ({ serviceId, ...rollupFields(rollup.result()) })),
    };
  }

  async service(
    serviceId: string,
    window: QueryWindow,
    now: Date,
  ): Promise<ServiceEffectivenessDto> {
    // The existence check and the evaluation run at once (an unknown service has no pairs to
    // evaluate): one round trip less on the answer's path.
    const [known, pairs] = await Promise.all([
      this.catalog.serviceExists(serviceId),
      this.query.evaluatePairs({ ...window, now, serviceIds: [serviceId] }),
    ]);
    if (!known) throw notFound(`No service "${serviceId}" in the catalogue`);
    return {
      serviceId,
      window: WindowDto.of(window),
      asOf: asOf(window, now).toISOString(),
      ...rollupFields(rollUp(pairs.map((p) => p.effectiveness))),
      controls: pairs.map((p) => PairEffectivenessDto.of(p)),
    };
  }

  async pair(
    serviceId: string,
    controlId: string,
    window: QueryWindow,
    now: Date,
  ): Promise<PairEffectivenessResponseDto> {
    const [, [pair]] = await Promise.all([
      this.assertPairKnown(serviceId, controlId),
      this.query.evaluatePairs({
        ...window,
        now,
        serviceIds: [serviceId],
        controlId,
        withSlots: true,
        // Assigned only before or after the window: not_in_scope (SPEC §5.10), not a 404.
        anyAssignment: true,
      }),
    ]);
    if (!pair) {
      throw notFound(`Control "${controlId}" has never been assigned to service "${serviceId}"`);
    }
    return {
      window: WindowDto.of(window),
      asOf: pair.asOf.toISOString(),
      ...PairEffectivenessDto.of(pair),
      slots: (pair.slots ?? []).map((slot) => SlotDto.of(slot)),
    };
  }

  async criterion(
    criterionId: string,
    window: QueryWindow,
    now: Date,
    visible: ServiceFilter,
  ): Promise<CriterionEffectivenessDto> {
    const [criterion, pairs] = await Promise.all([
      this.catalog.findCriterion(criterionId),
      visible?.length === 0
        ? []
        : this.query.evaluatePairs({
            ...window,
            now,
            criterionId,
            serviceIds: visible ?? undefined,
          }),
    ]);
    if (!criterion) throw notFound(`No criterion "${criterionId}"`);
    return {
      criterionId,
      window: WindowDto.of(window),
      asOf: asOf(window, now).toISOString(),
      ...rollupFields(rollUp(pairs.map((p) => p.effectiveness))),
      pairs: pairs.map((p) => PairEffectivenessDto.of(p)),
    };
  }

  async assertPairKnown(serviceId: string, controlId: string): Promise<void> {
    const [serviceKnown, controlKnown] = await Promise.all([
      this.catalog.serviceExists(serviceId),
      this.catalog.controlExists(controlId),
    ]);
    if (!serviceKnown) throw notFound(`No service "${serviceId}" in the catalogue`);
    if (!controlKnown) throw notFound(`No control "${controlId}" in the catalogue`);
  }
}

function asOf(window: QueryWindow, now: Date): Date {
  return new Date(Math.min(window.to.getTime(), now.getTime()));
}
