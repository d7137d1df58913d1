import type { CatalogDocument } from '@vigil/contracts';
import type {
  AssignmentRecord,
  CatalogState,
  CatalogWritePlan,
  ControlRecord,
} from '@vigil/persistence';
import { FIRST_VERSION_FROM, planCatalogApply } from './plan-catalog-apply';

const t = (iso: string) => new Date(iso);
const NOW = t('2026-06-15T12:00:00Z');

function control(
  overrides: Partial<ControlRecord['current']> = {},
  retiredAt: Date | null = null,
): ControlRecord {
  return {
    id: 'mfa',
    createdAt: t('2026-01-01T00:00:00Z'),
    updatedAt: t('2026-01-01T00:00:00Z'),
    retiredAt,
    current: {
      validFrom: FIRST_VERSION_FROM,
      validTo: null,
      title: 'MFA',
      description: null,
      owner: null,
      frequency: 'daily',
      tolerableDeviationRate: 0.05,
      criteria: ['CC6.1', 'CC6.2'],
      ...overrides,
    },
  };
}

function assignment(from: string, to: string | null, serviceId = 'api'): AssignmentRecord {
  return {
    serviceId,
    controlId: 'mfa',
    from: t(from),
    to: to === null ? null : t(to),
    createdAt: t('2026-01-01T00:00:00Z'),
    endedAt: null,
  };
}

function state(overrides: Partial<CatalogState> = {}): CatalogState {
  return {
    services: [
      {
        id: 'api',
        name: 'API',
        owner: 'team',
        description: null,
        createdAt: t('2026-01-01T00:00:00Z'),
        updatedAt: t('2026-01-01T00:00:00Z'),
        retiredAt: null,
      },
    ],
    controls: [control()],
    assignments: [assignment('2026-01-01T00:00:00Z', null)],
    ...overrides,
  };
}

function document(overrides: Partial<CatalogDocument> = {}): CatalogDocument {
  return {
    services: [{ id: 'api', name: 'API', owner: 'team', description: null }],
    controls: [
      {
        id: 'mfa',
        title: 'MFA',
        description: null,
        owner: null,
        criteria: ['CC6.1', 'CC6.2'],
        frequency: 'daily',
        tolerableDeviationRate: 0.05,
      },
    ],
    assignments: [{ service: 'api', control: 'mfa', from: t('2026-01-01T00:00:00Z'), to: null }],
    ...overrides,
  };
}

function planned(s: CatalogState, d: CatalogDocument) {
  const result = planCatalogApply(s, d, NOW);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
}

describe(planCatalogApply.name, () => {
  it('plans nothing when the document equals the stored state', () => {
    const { plan, changes } = planned(state(), document());
    expect(changes.unchanged).toBe(3);
    expect(Object.values(plan).filter(Array.isArray).flat()).toEqual([]);
  });

  it('adds a first version valid from 1970 when a control is new', () => {
    const { plan, changes } = planned(state({ controls: [], assignments: [] }), document());
    expect(changes.added.controls).toEqual(['mfa']);
    expect(plan.insertControls[0].version.validFrom).toEqual(FIRST_VERSION_FROM);
  });

  it('opens a version from now when the frequency changes', () => {
    const d = document();
    d.controls[0].frequency = 'hourly';
    const { plan, changes } = planned(state(), d);
    expect(changes.changed.controls).toEqual(['mfa']);
    expect(plan.newControlVersions).toEqual([
      { id: 'mfa', version: expect.objectContaining({ validFrom: NOW, frequency: 'hourly' }) },
    ]);
  });

  it('starts the new version after the current one when the clock is behind it', () => {
    const d = document();
    d.controls[0].title = 'MFA everywhere';
    const { plan } = planned(state({ controls: [control({ validFrom: NOW })] }), d);
    expect(plan.newControlVersions[0].version.validFrom).toEqual(new Date(NOW.getTime() + 1));
  });

  it('retires services and controls and ends running assignments when the document drops them', () => {
    const { plan, changes } = planned(state(), { services: [], controls: [], assignments: [] });
    expect(changes.retired).toEqual({ services: ['api'], controls: ['mfa'] });
    expect(plan.updateAssignmentEnds).toEqual([
      { serviceId: 'api', controlId: 'mfa', from: t('2026-01-01T00:00:00Z'), to: NOW },
    ]);
    expect(changes.ended.assignments).toEqual([
      { service: 'api', control: 'mfa', from: '2026-01-01T00:00:00Z', to: '2026-06-15T12:00:00Z' },
    ]);
  });

  it('cancels a scheduled assignment (to = from) when the document drops it', () => {
    const s = state({ assignments: [assignment('2027-01-01T00:00:00Z', null)] });
    const { plan } = planned(s, document({ assignments: [] }));
    expect(plan.updateAssignmentEnds[0].to).toEqual(t('2027-01-01T00:00:00Z'));
  });

  it('leaves an ended assignment alone when the document no longer lists it', () => {
    const s = state({ assignments: [assignment('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z')] });
    const { plan, changes } = planned(s, document({ assignments: [] }));
    expect(plan.updateAssignmentEnds).toEqual([]);
    expect(changes.ended.assignments).toEqual([]);
  });

  it('reactivates a retired control without a new version when its definition is unchanged', () => {
    const { plan, changes } = planned(
      state({ controls: [control({}, t('2026-05-01T00:00:00Z'))] }),
      document(),
    );
    expect(plan.reactivateControls).toEqual(['mfa']);
    expect(plan.newControlVersions).toEqual([]);
    expect(changes.changed.controls).toEqual(['mfa']);
  });

  /** The plan when the document lists the running api/mfa assignment (from Jan 1) from `from`. */
  function redated(from: string): CatalogWritePlan {
    const s = state({ assignments: [assignment('2026-01-01T00:00:00Z', null)] });
    const d = document({
      assignments: [{ service: 'api', control: 'mfa', from: t(from), to: null }],
    });
    const result = planCatalogApply(s, d, NOW);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.plan;
  }

  it('ends a running assignment where the document re-dates it to a later start, without a fault', () => {
    const plan = redated('2026-03-01T00:00:00Z');
    expect(plan.updateAssignmentEnds).toEqual([
      {
        serviceId: 'api',
        controlId: 'mfa',
        from: t('2026-01-01T00:00:00Z'),
        to: t('2026-03-01T00:00:00Z'),
      },
    ]);
    expect(plan.insertAssignments).toEqual([
      { serviceId: 'api', controlId: 'mfa', from: t('2026-03-01T00:00:00Z'), to: null },
    ]);
  });

  it('cancels a running assignment when the document re-dates it to an earlier start', () => {
    const plan = redated('2025-06-01T00:00:00Z');
    // to = from: an empty interval, kept in the history as cancelled.
    expect(plan.updateAssignmentEnds).toEqual([
      {
        serviceId: 'api',
        controlId: 'mfa',
        from: t('2026-01-01T00:00:00Z'),
        to: t('2026-01-01T00:00:00Z'),
      },
    ]);
    expect(plan.insertAssignments).toHaveLength(1);
  });

  it('still ends a running assignment now when the re-dated one starts in the future', () => {
    expect(redated('2026-09-01T00:00:00Z').updateAssignmentEnds[0].to).toEqual(NOW);
  });

  it('faults a document interval that overlaps a recorded one it does not list', () => {
    const s = state({ assignments: [assignment('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z')] });
    const d = document({
      assignments: [{ service: 'api', control: 'mfa', from: t('2026-02-01T00:00:00Z'), to: null }],
    });
    const result = planCatalogApply(s, d, NOW);
    expect(result).toEqual({
      ok: false,
      errors: [
        { pointer: '/assignments/0', detail: expect.stringContaining('2026-03-01T00:00:00Z') },
      ],
    });
  });
});
