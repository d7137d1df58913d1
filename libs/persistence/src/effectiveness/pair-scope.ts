import type { ScopeInterval } from '@vigil/domain';
import type { ControlVersion, PairScope, PairScopeFilter } from '../catalog/catalog.records';

/** Where the query path reads pair scopes from (`CatalogRepository`). */
export interface PairScopeSource {
  findPairScopes(filter: PairScopeFilter): Promise<PairScope[]>;
}

const end = (d: Date | null): number => (d === null ? Number.POSITIVE_INFINITY : d.getTime());

/**
 * Scope intervals (SPEC §5.2): each assignment interval cut by the control versions in force,
 * each piece carrying its version's frequency. Adjacent pieces with the same frequency are
 * merged: a new title or tolerance must not make the slot straddling the cut unexpected.
 * (`CatalogRepository.findPairScopes` gives one version, the current definition, valid at
 * every instant: each assignment interval is then one piece.)
 */
export function scopeIntervals(pair: Pick<PairScope, 'assignments' | 'versions'>): ScopeInterval[] {
  const versions = [...pair.versions].sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime());
  const scopes: ScopeInterval[] = [];
  for (const assignment of pair.assignments) {
    // Merged within one assignment only: slots must still lie inside ONE assignment interval.
    let last: ScopeInterval | undefined;
    for (const version of versions) {
      const from = Math.max(assignment.from.getTime(), version.validFrom.getTime());
      const to = Math.min(end(assignment.to), end(version.validTo));
      if (from >= to) continue;
      if (last && last.to === from && last.frequency === version.frequency) {
        last.to = to;
      } else {
        last = { from, to, frequency: version.frequency };
        scopes.push(last);
      }
    }
  }
  return scopes.sort((a, b) => a.from - b.from);
}

/** The version in force at `at`, or the latest one that started before it, or the first. */
export function versionAt(versions: readonly ControlVersion[], at: Date): ControlVersion {
  const ordered = [...versions].sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime());
  let chosen = ordered[0];
  for (const version of ordered) {
    if (version.validFrom.getTime() <= at.getTime()) chosen = version;
  }
  if (!chosen) throw new Error('a control has no version');
  return chosen;
}
