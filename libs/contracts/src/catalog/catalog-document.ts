import type { Frequency } from '@vigil/domain';

/** Service and control ids (SPEC §3, §4). */
export const CATALOG_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** SPEC §4: `tolerableDeviationRate` is optional and defaults to 5 %. */
export const DEFAULT_TOLERABLE_DEVIATION_RATE = 0.05;

/** A service in the catalogue document. */
export interface ServiceSpec {
  id: string;
  name: string;
  owner: string;
  description: string | null;
}

/** A control definition in the catalogue document. */
export interface ControlSpec {
  id: string;
  title: string;
  description: string | null;
  owner: string | null;
  /** AICPA 2017 Trust Services Criteria ids, e.g. `CC6.1`. */
  criteria: string[];
  frequency: Frequency;
  tolerableDeviationRate: number;
}

/** A control assigned to a service over `[from, to)`; `to = null` while it lasts. */
export interface AssignmentSpec {
  service: string;
  control: string;
  from: Date;
  to: Date | null;
}

/**
 * A validated catalogue document (SPEC §4): the whole desired state of services, controls and
 * their assignments, as applied by `PUT /api/v1/catalog` and `vigil catalog apply`.
 */
export interface CatalogDocument {
  services: ServiceSpec[];
  controls: ControlSpec[];
  assignments: AssignmentSpec[];
}

/** One fault of a document, located by an RFC 6901 JSON Pointer into it. */
export interface CatalogFault {
  pointer: string;
  detail: string;
}

/** A reference to an assignment in an apply summary (times are RFC 3339 UTC). */
export interface AssignmentRef {
  service: string;
  control: string;
  from: string;
  to: string | null;
}

/**
 * What applying a document did (or, in a dry run, would do). Services and controls absent from
 * the document are retired, never deleted; assignments absent from it that are still running
 * are ended at the apply time.
 */
export interface CatalogApplySummary {
  dryRun: boolean;
  appliedAt: string;
  documentSha256: string;
  added: { services: string[]; controls: string[]; assignments: AssignmentRef[] };
  changed: { services: string[]; controls: string[]; assignments: AssignmentRef[] };
  ended: { assignments: AssignmentRef[] };
  retired: { services: string[]; controls: string[] };
  unchanged: number;
}

/** RFC 3339 UTC without needless milliseconds: `2026-01-01T00:00:00Z`. */
export function formatCatalogInstant(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
