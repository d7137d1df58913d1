import type { CatalogDocument } from '@vigil/contracts';
import type { CatalogState } from '@vigil/persistence';

/**
 * The document `GET /api/v1/catalog` returns: active services and controls with their current
 * definitions, and every non-empty assignment of them (ended ones too). Applying it changes
 * nothing. `serviceIds` limits it for an auditor key limited to some services.
 */
export function currentCatalogDocument(
  state: CatalogState,
  serviceIds: readonly string[] | null = null,
): CatalogDocument {
  const visible = (id: string) => serviceIds === null || serviceIds.includes(id);
  const services = state.services.filter((s) => s.retiredAt === null && visible(s.id));
  const controls = state.controls.filter((c) => c.retiredAt === null);
  const serviceIdSet = new Set(services.map((s) => s.id));
  const controlIdSet = new Set(controls.map((c) => c.id));
  return {
    services: services.map((s) => ({
      id: s.id,
      name: s.name,
      owner: s.owner,
      description: s.description,
    })),
    controls: controls.map((c) => ({
      id: c.id,
      title: c.current.title,
      description: c.current.description,
      owner: c.current.owner,
      criteria: [...c.current.criteria],
      frequency: c.current.frequency,
      tolerableDeviationRate: c.current.tolerableDeviationRate,
    })),
    assignments: state.assignments
      .filter(
        (a) =>
          serviceIdSet.has(a.serviceId) &&
          controlIdSet.has(a.controlId) &&
          (a.to === null || a.to.getTime() > a.from.getTime()),
      )
      .map((a) => ({ service: a.serviceId, control: a.controlId, from: a.from, to: a.to })),
  };
}
