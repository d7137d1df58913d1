import type { ControlVersion } from '../catalog/catalog.records';
import { scopeIntervals, versionAt } from './pair-scope';

const t = (iso: string) => new Date(iso);
const version = (overrides: Partial<ControlVersion>): ControlVersion => ({
  validFrom: t('1970-01-01T00:00:00Z'),
  validTo: null,
  title: 'MFA',
  description: null,
  owner: null,
  frequency: 'daily',
  tolerableDeviationRate: 0.05,
  criteria: ['CC6.1'],
  ...overrides,
});

describe(scopeIntervals.name, () => {
  it('cuts an assignment where the frequency changes', () => {
    const scopes = scopeIntervals({
      assignments: [{ from: t('2026-01-01T00:00:00Z'), to: null }],
      versions: [
        version({ validTo: t('2026-02-01T00:00:00Z') }),
        version({ validFrom: t('2026-02-01T00:00:00Z'), frequency: 'weekly' }),
      ],
    });
    expect(scopes).toEqual([
      {
        from: Date.parse('2026-01-01T00:00:00Z'),
        to: Date.parse('2026-02-01T00:00:00Z'),
        frequency: 'daily',
      },
      {
        from: Date.parse('2026-02-01T00:00:00Z'),
        to: Number.POSITIVE_INFINITY,
        frequency: 'weekly',
      },
    ]);
  });

  it('does not cut when a version changes only the title or tolerance', () => {
    const scopes = scopeIntervals({
      assignments: [{ from: t('2026-01-01T00:00:00Z'), to: t('2026-03-01T00:00:00Z') }],
      versions: [
        version({ validTo: t('2026-02-01T12:00:00Z') }),
        version({
          validFrom: t('2026-02-01T12:00:00Z'),
          title: 'MFA, renamed',
          tolerableDeviationRate: 0.1,
        }),
      ],
    });
    expect(scopes).toEqual([
      {
        from: Date.parse('2026-01-01T00:00:00Z'),
        to: Date.parse('2026-03-01T00:00:00Z'),
        frequency: 'daily',
      },
    ]);
  });

  it('keeps adjacent assignments apart when they touch', () => {
    const scopes = scopeIntervals({
      assignments: [
        { from: t('2026-01-01T12:00:00Z'), to: t('2026-01-05T12:00:00Z') },
        { from: t('2026-01-05T12:00:00Z'), to: null },
      ],
      versions: [version({})],
    });
    expect(scopes).toHaveLength(2);
  });
});

describe(versionAt.name, () => {
  it('picks the version in force, else the latest that started before', () => {
    const versions = [
      version({ validTo: t('2026-02-01T00:00:00Z'), title: 'old' }),
      version({ validFrom: t('2026-02-01T00:00:00Z'), title: 'new' }),
    ];
    expect(versionAt(versions, t('2026-01-15T00:00:00Z')).title).toBe('old');
    expect(versionAt(versions, t('2026-02-01T00:00:00Z')).title).toBe('new');
  });
});
