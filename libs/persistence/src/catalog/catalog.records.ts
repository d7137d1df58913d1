import type { Frequency } from '@vigil/domain';

/** One AICPA 2017 Trust Services Criterion (shipped data, seeded by migration). */
export interface CriterionRecord {
  id: string;
  category: string;
  series: string;
  seriesTitle: string;
  title: string;
  text: string;
  cosoPrinciple: number | null;
}

export interface ServiceRecord {
  id: string;
  name: string;
  owner: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Set when the service left the catalogue document; its history stays. */
  retiredAt: Date | null;
}

/** A control definition in force over `[validFrom, validTo)`. */
export interface ControlVersion {
  validFrom: Date;
  validTo: Date | null;
  title: string;
  description: string | null;
  owner: string | null;
  frequency: Frequency;
  tolerableDeviationRate: number;
  criteria: string[];
}

export interface ControlRecord {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  retiredAt: Date | null;
  /** The version with `validTo = null`. */
  current: ControlVersion;
}

export interface ControlDetail extends ControlRecord {
  /** Every version, oldest first. */
  versions: ControlVersion[];
  assignments: AssignmentRecord[];
}

/** A control assigned to a service over `[from, to)`. `to = from` marks one cancelled before it started. */
export interface AssignmentRecord {
  serviceId: string;
  controlId: string;
  from: Date;
  to: Date | null;
  createdAt: Date;
  endedAt: Date | null;
}

export interface ServiceDetail extends ServiceRecord {
  /** Current and past assignments, by control then start. */
  assignments: AssignmentRecord[];
}

/** Everything the apply use case compares a document with. */
export interface CatalogState {
  services: ServiceRecord[];
  controls: ControlRecord[];
  assignments: AssignmentRecord[];
}

/** One (service, control) pair in scope, with its scope and definition history. */
export interface PairScope {
  serviceId: string;
  controlId: string;
  /** Every non-empty assignment interval of the pair, oldest first. */
  assignments: Array<{ from: Date; to: Date | null }>;
  /**
   * The control's definition for the evaluation: from `findPairScopes`, its current version
   * alone, valid at every instant (SPEC §5 evaluates the control as the catalogue defines it).
   */
  versions: ControlVersion[];
}

export interface PairScopeFilter {
  from: Date;
  to: Date;
  serviceIds?: string[];
  controlId?: string;
  /** Pairs whose control maps to this criterion in its current definition. */
  criterionId?: string;
}

/** Results for a pair the catalogue never put in scope (SPEC §3: stored, then listed). */
export interface UnmappedPairRecord {
  serviceId: string;
  controlId: string;
  serviceKnown: boolean;
  controlKnown: boolean;
  pass: number;
  fail: number;
  error: number;
  notApplicable: number;
  total: number;
  late: number;
  firstSeen: Date;
  lastSeen: Date;
}

/** Limits a list to some services (an auditor key limited to services); null = all. */
export interface ServiceFilter {
  serviceIds?: string[] | null;
}

export interface KeysetPage {
  limit: number;
  /** The sort key of the last row of the previous page. */
  after?: string[] | null;
}

/** What one apply writes; computed from a CatalogState and a document, pure. */
export interface CatalogWritePlan {
  appliedAt: Date;
  insertServices: Array<{ id: string; name: string; owner: string; description: string | null }>;
  updateServices: Array<{ id: string; name: string; owner: string; description: string | null }>;
  retireServices: string[];
  insertControls: Array<{ id: string; version: Omit<ControlVersion, 'validTo'> }>;
  /** Closes the current version at `version.validFrom` and opens this one. */
  newControlVersions: Array<{ id: string; version: Omit<ControlVersion, 'validTo'> }>;
  reactivateControls: string[];
  retireControls: string[];
  insertAssignments: Array<{ serviceId: string; controlId: string; from: Date; to: Date | null }>;
  updateAssignmentEnds: Array<{
    serviceId: string;
    controlId: string;
    from: Date;
    to: Date | null;
  }>;
}

export interface CatalogApplyLogEntry {
  appliedAt: Date;
  /** The API key id that applied the document, when known. */
  appliedBy: string | null;
  documentSha256: string;
  added: number;
  changed: number;
  ended: number;
  retired: number;
  unchanged: number;
  summary: unknown;
}

/** A logged apply, with its id (a decimal string: bigserial). */
export interface CatalogApplyRecord extends CatalogApplyLogEntry {
  id: string;
}
