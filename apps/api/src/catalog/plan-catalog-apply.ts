import {
  AssignmentRef,
  AssignmentSpec,
  CatalogApplySummary,
  CatalogDocument,
  CatalogFault,
  ControlSpec,
  formatCatalogInstant,
} from '@vigil/contracts';
import type {
  AssignmentRecord,
  CatalogState,
  CatalogWritePlan,
  ControlVersion,
} from '@vigil/persistence';

/** The first version of a control has no predecessor: it is in force from the start of time. */
export const FIRST_VERSION_FROM = new Date(0);

export type CatalogChanges = Omit<CatalogApplySummary, 'dryRun' | 'documentSha256'>;

export type CatalogPlanResult =
  | { ok: true; plan: CatalogWritePlan; changes: CatalogChanges }
  | { ok: false; errors: CatalogFault[] };

/**
 * Compares the desired state (a validated document) with the stored one and says what to write.
 * History is never lost:
 * - services and controls missing from the document are retired (kept, marked `retiredAt`);
 * - a changed control definition closes the current version at `now` and opens a new one;
 * - an assignment is identified by (service, control, from); one missing from the document that
 *   is still running (or scheduled) is ended at `now` (a scheduled one is cancelled: to = from);
 *   ended ones missing from the document stay as they are;
 * - a document interval that would overlap a recorded one it does not list is a fault.
 */
export function planCatalogApply(
  state: CatalogState,
  document: CatalogDocument,
  now: Date,
): CatalogPlanResult {
  const plan: CatalogWritePlan = {
    appliedAt: now,
    insertServices: [],
    updateServices: [],
    retireServices: [],
    insertControls: [],
    newControlVersions: [],
    reactivateControls: [],
    retireControls: [],
    insertAssignments: [],
    updateAssignmentEnds: [],
  };
  const changes: CatalogChanges = {
    appliedAt: now.toISOString(),
    added: { services: [], controls: [], assignments: [] },
    changed: { services: [], controls: [], assignments: [] },
    ended: { assignments: [] },
    retired: { services: [], controls: [] },
    unchanged: 0,
  };

  const services = new Map(state.services.map((s) => [s.id, s]));
  for (const spec of document.services) {
    const stored = services.get(spec.id);
    if (!stored) {
      plan.insertServices.push(spec);
      changes.added.services.push(spec.id);
    } else if (
      stored.retiredAt !== null ||
      stored.name !== spec.name ||
      stored.owner !== spec.owner ||
      stored.description !== spec.description
    ) {
      plan.updateServices.push(spec);
      changes.changed.services.push(spec.id);
    } else {
      changes.unchanged++;
    }
  }
  const desiredServices = new Set(document.services.map((s) => s.id));
  for (const stored of state.services) {
    if (!desiredServices.has(stored.id) && stored.retiredAt === null) {
      plan.retireServices.push(stored.id);
      changes.retired.services.push(stored.id);
    }
  }

  const controls = new Map(state.controls.map((c) => [c.id, c]));
  for (const spec of document.controls) {
    const stored = controls.get(spec.id);
    if (!stored) {
      plan.insertControls.push({ id: spec.id, version: versionOf(spec, FIRST_VERSION_FROM) });
      changes.added.controls.push(spec.id);
      continue;
    }
    const redefined = !sameDefinition(stored.current, spec);
    if (redefined) {
      // Strictly after the current version's start, even for two applies in one millisecond.
      const from = new Date(Math.max(now.getTime(), stored.current.validFrom.getTime() + 1));
      plan.newControlVersions.push({ id: spec.id, version: versionOf(spec, from) });
    }
    if (stored.retiredAt !== null) plan.reactivateControls.push(spec.id);
    if (redefined || stored.retiredAt !== null) changes.changed.controls.push(spec.id);
    else changes.unchanged++;
  }
  const desiredControls = new Set(document.controls.map((c) => c.id));
  for (const stored of state.controls) {
    if (!desiredControls.has(stored.id) && stored.retiredAt === null) {
      plan.retireControls.push(stored.id);
      changes.retired.controls.push(stored.id);
    }
  }

  const errors = planAssignments(state.assignments, document.assignments, now, plan, changes);
  return errors.length ? { ok: false, errors } : { ok: true, plan, changes };
}

function planAssignments(
  stored: readonly AssignmentRecord[],
  desired: readonly AssignmentSpec[],
  now: Date,
  plan: CatalogWritePlan,
  changes: CatalogChanges,
): CatalogFault[] {
  const key = (service: string, control: string, from: Date) =>
    `${service}\u0000${control}\u0000${from.getTime()}`;
  const storedByKey = new Map(stored.map((a) => [key(a.serviceId, a.controlId, a.from), a]));
  const listed = new Set<string>();

  desired.forEach((spec) => {
    const k = key(spec.service, spec.control, spec.from);
    listed.add(k);
    const existing = storedByKey.get(k);
    const ref = refOf(spec.service, spec.control, spec.from, spec.to);
    if (!existing) {
      plan.insertAssignments.push({
        serviceId: spec.service,
        controlId: spec.control,
        from: spec.from,
        to: spec.to,
      });
      changes.added.assignments.push(ref);
    } else if (sameInstant(existing.to, spec.to)) {
      changes.unchanged++;
    } else {
      plan.updateAssignmentEnds.push({
        serviceId: spec.service,
        controlId: spec.control,
        from: spec.from,
        to: spec.to,
      });
      if (existing.to === null) changes.ended.assignments.push(ref);
      else changes.changed.assignments.push(ref);
    }
  });

  // Recorded intervals the document does not list: history stays, running ones end now, or
  // where a listed interval of the same pair takes over before now (the document re-dates the
  // pair's assignment: its new start wins, and the recorded one ends there, or is cancelled
  // when the new one starts first), so that re-dating a running assignment is no conflict.
  const listedByPair = new Map<string, AssignmentSpec[]>();
  for (const spec of desired) {
    const pair = `${spec.service}\u0000${spec.control}`;
    listedByPair.set(pair, [...(listedByPair.get(pair) ?? []), spec]);
  }
  const retained: Array<{ serviceId: string; controlId: string; from: Date; to: Date | null }> = [];
  for (const a of stored) {
    if (listed.has(key(a.serviceId, a.controlId, a.from))) continue;
    if (a.to === null || a.to.getTime() > now.getTime()) {
      let end = now.getTime();
      for (const spec of listedByPair.get(`${a.serviceId}\u0000${a.controlId}`) ?? []) {
        if (overlaps(spec.from, spec.to, a.from, a.to)) end = Math.min(end, spec.from.getTime());
      }
      const to = new Date(Math.max(end, a.from.getTime()));
      plan.updateAssignmentEnds.push({
        serviceId: a.serviceId,
        controlId: a.controlId,
        from: a.from,
        to,
      });
      changes.ended.assignments.push(refOf(a.serviceId, a.controlId, a.from, to));
      retained.push({ ...a, to });
    } else {
      retained.push(a);
    }
  }

  const retainedByPair = new Map<string, typeof retained>();
  for (const r of retained) {
    // A cancelled interval (to = from) is empty: it overlaps nothing.
    if (r.to !== null && r.to.getTime() <= r.from.getTime()) continue;
    const pair = `${r.serviceId}\u0000${r.controlId}`;
    retainedByPair.set(pair, [...(retainedByPair.get(pair) ?? []), r]);
  }
  const errors: CatalogFault[] = [];
  desired.forEach((spec, index) => {
    for (const r of retainedByPair.get(`${spec.service}\u0000${spec.control}`) ?? []) {
      if (overlaps(spec.from, spec.to, r.from, r.to)) {
        errors.push({
          pointer: `/assignments/${index}`,
          detail:
            `overlaps the recorded assignment of ${spec.service} / ${spec.control} from ` +
            `${formatCatalogInstant(r.from)}${r.to ? ` to ${formatCatalogInstant(r.to)}` : ''}, ` +
            'which this document does not list; assignments are never deleted, so list that one ' +
            'or start this one after it ends',
        });
      }
    }
  });
  return errors;
}

function versionOf(spec: ControlSpec, validFrom: Date): Omit<ControlVersion, 'validTo'> {
  return {
    validFrom,
    title: spec.title,
    description: spec.description,
    owner: spec.owner,
    frequency: spec.frequency,
    tolerableDeviationRate: spec.tolerableDeviationRate,
    criteria: [...spec.criteria],
  };
}

/** Reordering criteria is not a new definition; everything else is. */
function sameDefinition(version: ControlVersion, spec: ControlSpec): boolean {
  const sorted = (list: readonly string[]) => [...list].sort().join('\u0000');
  return (
    version.title === spec.title &&
    version.description === spec.description &&
    version.owner === spec.owner &&
    version.frequency === spec.frequency &&
    version.tolerableDeviationRate === spec.tolerableDeviationRate &&
    sorted(version.criteria) === sorted(spec.criteria)
  );
}

function overlaps(aFrom: Date, aTo: Date | null, bFrom: Date, bTo: Date | null): boolean {
  const aEnd = aTo ? aTo.getTime() : Number.POSITIVE_INFINITY;
  const bEnd = bTo ? bTo.getTime() : Number.POSITIVE_INFINITY;
  return aFrom.getTime() < bEnd && bFrom.getTime() < aEnd;
}

function sameInstant(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}

function refOf(service: string, control: string, from: Date, to: Date | null): AssignmentRef {
  return {
    service,
    control,
    from: formatCatalogInstant(from),
    to: to ? formatCatalogInstant(to) : null,
  };
}
