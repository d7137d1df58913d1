import type { Frequency } from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import {
  AssignmentRecord,
  CatalogApplyLogEntry,
  CatalogApplyRecord,
  CatalogState,
  CatalogWritePlan,
  ControlDetail,
  ControlRecord,
  ControlVersion,
  CriterionRecord,
  KeysetPage,
  PairScope,
  PairScopeFilter,
  ServiceDetail,
  ServiceFilter,
  ServiceRecord,
  UnmappedPairRecord,
} from './catalog.records';

/** The start of every pair's definition: before any instant a window can hold. */
const ALWAYS = new Date(-8.64e15);

/** Either the pool or the manager of an open transaction. */
type Queryable = Pick<EntityManager, 'query'>;

interface ServiceRow {
  id: string;
  name: string;
  owner: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
  retired_at: Date | null;
}

interface VersionRow {
  control_id: string;
  valid_from: Date;
  valid_to: Date | null;
  title: string;
  description: string | null;
  owner: string | null;
  frequency: Frequency;
  tolerable_deviation_rate: string;
  criteria: string[];
}

interface ControlRow extends VersionRow {
  id: string;
  created_at: Date;
  updated_at: Date;
  retired_at: Date | null;
}

interface AssignmentRow {
  service_id: string;
  control_id: string;
  valid_from: Date;
  valid_to: Date | null;
  created_at: Date;
  ended_at: Date | null;
}

interface CriterionRow {
  id: string;
  category: string;
  series: string;
  series_title: string;
  title: string;
  text: string;
  coso_principle: number | null;
}

interface UnmappedRow {
  service_id: string;
  control_id: string;
  service_known: boolean;
  control_known: boolean;
  pass: string;
  fail: string;
  error: string;
  not_applicable: string;
  late: string;
  first_seen: Date;
  last_seen: Date;
}

/** Serialises catalogue applies: two concurrent documents must not interleave. */
const APPLY_LOCK_KEY = 'vigil_catalog_apply';

const CONTROL_COLUMNS = `
  c.id, c.created_at, c.updated_at, c.retired_at,
  v.control_id, v.valid_from, v.valid_to, v.title, v.description, v.owner, v.frequency,
  v.tolerable_deviation_rate, v.criteria`;

/**
 * The catalogue (SPEC §4): criteria, services, versioned controls and assignments. Reads take
 * the pool; the apply use case passes the manager of its transaction.
 */
export class CatalogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction (the apply of one document). */
  inTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // ---- criteria -------------------------------------------------------------------------

  async listCriteria(filter: { categories?: string[] } = {}): Promise<CriterionRecord[]> {
    const rows = await this.dataSource.query<CriterionRow[]>(
      `SELECT id, category, series, series_title, title, text, coso_principle
         FROM criteria
        WHERE $1::text[] IS NULL OR category = ANY ($1)
        ORDER BY sort_order`,
      [filter.categories ?? null],
    );
    return rows.map(toCriterion);
  }

  async findCriterion(id: string): Promise<CriterionRecord | null> {
    const rows = await this.dataSource.query<CriterionRow[]>(
      `SELECT id, category, series, series_title, title, text, coso_principle
         FROM criteria WHERE id = $1`,
      [id],
    );
    return rows.length ? toCriterion(rows[0]) : null;
  }

  async listCriterionIds(db: Queryable = this.dataSource): Promise<string[]> {
    const rows = await db.query<
      Array<{
        id: string;
      }>
    >(`SELECT id FROM criteria ORDER BY sort_order`);
    return rows.map((r) => r.id);
  }

  async listCriterionCategories(): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ category: string }>>(
      `SELECT category FROM criteria GROUP BY category ORDER BY min(sort_order)`,
    );
    return rows.map((r) => r.category);
  }

  // ---- services -------------------------------------------------------------------------

  async serviceExists(id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM services WHERE id = $1`, [
      id,
    ]);
    return rows.length > 0;
  }

  /** The ids of the services not retired, those of `filter` only when given. */
  async listActiveServiceIds(filter: ServiceFilter = {}): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM services
        WHERE retired_at IS NULL AND ($1::text[] IS NULL OR id = ANY ($1))`,
      [filter.serviceIds ?? null],
    );
    return rows.map((row) => row.id);
  }

  /** Services by id, `limit + 1` rows (the extra one says there is a next page). */
  async listServices(page: KeysetPage, filter: ServiceFilter = {}): Promise<ServiceRecord[]> {
    const rows = await this.dataSource.query<ServiceRow[]>(
      `SELECT id, name, owner, description, created_at, updated_at, retired_at
         FROM services
        WHERE ($1::text IS NULL OR id > $1)
          AND ($3::text[] IS NULL OR id = ANY ($3))
        ORDER BY id
        LIMIT $2`,
      [page.after?.[0] ?? null, page.limit + 1, filter.serviceIds ?? null],
    );
    return rows.map(toService);
  }

  async findService(id: string): Promise<ServiceDetail | null> {
    const rows = await this.dataSource.query<ServiceRow[]>(
      `SELECT id, name, owner, description, created_at, updated_at, retired_at
         FROM services WHERE id = $1`,
      [id],
    );
    if (rows.length === 0) return null;
    const assignments = await this.dataSource.query<AssignmentRow[]>(
      `SELECT service_id, control_id, valid_from, valid_to, created_at, ended_at
         FROM assignments WHERE service_id = $1
        ORDER BY control_id, valid_from`,
      [id],
    );
    return { ...toService(rows[0]), assignments: assignments.map(toAssignment) };
  }

  // ---- controls -------------------------------------------------------------------------

  async controlExists(id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM controls WHERE id = $1`, [
      id,
    ]);
    return rows.length > 0;
  }

  /** Controls by id with their current definition, `limit + 1` rows. */
  async listControls(page: KeysetPage): Promise<ControlRecord[]> {
    const rows = await this.dataSource.query<ControlRow[]>(
      `SELECT ${CONTROL_COLUMNS}
         FROM controls c
         JOIN control_versions v ON v.control_id = c.id AND v.valid_to IS NULL
        WHERE $1::text IS NULL OR c.id > $1
        ORDER BY c.id
        LIMIT $2`,
      [page.after?.[0] ?? null, page.limit + 1],
    );
    return rows.map(toControl);
  }

  /** The current definition, every version (oldest first) and every assignment. */
  async findControl(id: string): Promise<ControlDetail | null> {
    const rows = await this.dataSource.query<ControlRow[]>(
      `SELECT ${CONTROL_COLUMNS}
         FROM controls c
         JOIN control_versions v ON v.control_id = c.id AND v.valid_to IS NULL
        WHERE c.id = $1`,
      [id],
    );
    if (rows.length === 0) return null;
    const [versions, assignments] = await Promise.all([
      this.dataSource.query<VersionRow[]>(
        `SELECT control_id, valid_from, valid_to, title, description, owner, frequency,
                tolerable_deviation_rate, criteria
           FROM control_versions WHERE control_id = $1
          ORDER BY valid_from`,
        [id],
      ),
      this.dataSource.query<AssignmentRow[]>(
        `SELECT service_id, control_id, valid_from, valid_to, created_at, ended_at
           FROM assignments WHERE control_id = $1
          ORDER BY service_id, valid_from`,
        [id],
      ),
    ]);
    return {
      ...toControl(rows[0]),
      versions: versions.map(toVersion),
      assignments: assignments.map(toAssignment),
    };
  }

  // ---- scope (read by effectiveness, exports and the evaluator) --------------------------

  /**
   * Every (service, control) pair with a (non-empty) assignment overlapping `[from, to)`,
   * optionally filtered, with all of the pair's assignments and the control's current definition.
   * Pairs are sorted by service, then control.
   */
  async findPairScopes(filter: PairScopeFilter): Promise<PairScope[]> {
    // Only the interval: a fleet reads 10,000 rows here, and each timestamp is a Date to parse.
    const assignments = await this.dataSource.query<
      Array<Pick<AssignmentRow, 'service_id' | 'control_id' | 'valid_from' | 'valid_to'>>
    >(
      `WITH current_versions AS (
         -- The criteria of each control's current definition (one row per control).
         SELECT DISTINCT ON (v.control_id) v.control_id, v.criteria
           FROM control_versions v
          WHERE $5::text IS NOT NULL
          ORDER BY v.control_id, v.valid_from DESC
       ), pairs AS (
         SELECT DISTINCT a.service_id, a.control_id
           FROM assignments a
          WHERE a.valid_from < $2
            AND (a.valid_to IS NULL OR a.valid_to > $1)
            AND (a.valid_to IS NULL OR a.valid_to > a.valid_from)
            AND ($3::text[] IS NULL OR a.service_id = ANY ($3))
            AND ($4::text IS NULL OR a.control_id = $4)
            AND ($5::text IS NULL OR a.control_id IN (
                  SELECT c.control_id FROM current_versions c WHERE $5 = ANY (c.criteria)))
       )
       SELECT a.service_id, a.control_id, a.valid_from, a.valid_to
         FROM assignments a
         JOIN pairs p USING (service_id, control_id)
        WHERE a.valid_to IS NULL OR a.valid_to > a.valid_from
        ORDER BY a.service_id, a.control_id, a.valid_from`,
      [
        filter.from,
        filter.to,
        filter.serviceIds ?? null,
        filter.controlId ?? null,
        filter.criterionId ?? null,
      ],
    );
    if (assignments.length === 0) return [];
    const controlIds = [...new Set(assignments.map((a) => a.control_id))];
    // SPEC §5 evaluates "the control's" frequency and tolerance: the catalogue is the desired
    // state, so its current definition holds for every window, past ones too, whenever it was
    // applied. Earlier versions stay recorded (GET /controls/{id}) for the as-of queries SPEC
    // §9 announces; only the current one is read here.
    const versionRows = await this.dataSource.query<VersionRow[]>(
      `SELECT DISTINCT ON (control_id) control_id, valid_from, valid_to, title, description,
              owner, frequency, tolerable_deviation_rate, criteria
         FROM control_versions WHERE control_id = ANY ($1)
        ORDER BY control_id, valid_from DESC`,
      [controlIds],
    );
    const versions = new Map<string, ControlVersion[]>(
      versionRows.map((row) => [
        row.control_id,
        [{ ...toVersion(row), validFrom: ALWAYS, validTo: null }],
      ]),
    );
    const pairs: PairScope[] = [];
    for (const row of assignments) {
      let pair = pairs[pairs.length - 1];
      if (!pair || pair.serviceId !== row.service_id || pair.controlId !== row.control_id) {
        pair = {
          serviceId: row.service_id,
          controlId: row.control_id,
          assignments: [],
          versions: versions.get(row.control_id) ?? [],
        };
        pairs.push(pair);
      }
      pair.assignments.push({ from: row.valid_from, to: row.valid_to });
    }
    return pairs;
  }

  // ---- unmapped pairs -------------------------------------------------------------------

  /**
   * Pairs with results (daily rollups: the compacted rows and the pending deltas) that no
   * assignment ever covered: the service or the control is unknown, or the pair was never
   * assigned. Sorted by pair, `limit + 1` rows.
   */
  async listUnmappedPairs(
    page: KeysetPage,
    filter: ServiceFilter = {},
  ): Promise<UnmappedPairRecord[]> {
    const rows = await this.dataSource.query<UnmappedRow[]>(
      `SELECT r.service_id, r.control_id,
              EXISTS (SELECT 1 FROM services s WHERE s.id = r.service_id) AS service_known,
              EXISTS (SELECT 1 FROM controls c WHERE c.id = r.control_id) AS control_known,
              sum(r.pass_count) AS pass, sum(r.fail_count) AS fail, sum(r.error_count) AS error,
              sum(r.not_applicable_count) AS not_applicable, sum(r.late_count) AS late,
              min(r.first_time) AS first_seen, max(r.last_time) AS last_seen
         FROM (SELECT service_id, control_id, pass_count, fail_count, error_count,
                      not_applicable_count, late_count, first_time, last_time
                 FROM daily_rollups
               UNION ALL
               SELECT service_id, control_id, pass_count, fail_count, error_count,
                      not_applicable_count, late_count, first_time, last_time
                 FROM daily_rollup_deltas) r
        WHERE NOT EXISTS (
                SELECT 1 FROM assignments a
                 WHERE a.service_id = r.service_id AND a.control_id = r.control_id
                   AND (a.valid_to IS NULL OR a.valid_to > a.valid_from))
          AND ($1::text IS NULL OR (r.service_id, r.control_id) > ($1, $2::text))
          AND ($4::text[] IS NULL OR r.service_id = ANY ($4))
        GROUP BY r.service_id, r.control_id
        ORDER BY r.service_id, r.control_id
        LIMIT $3`,
      [page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit + 1, filter.serviceIds ?? null],
    );
    return rows.map((r) => {
      const counts = {
        pass: Number(r.pass),
        fail: Number(r.fail),
        error: Number(r.error),
        notApplicable: Number(r.not_applicable),
      };
      return {
        serviceId: r.service_id,
        controlId: r.control_id,
        serviceKnown: r.service_known,
        controlKnown: r.control_known,
        ...counts,
        total: counts.pass + counts.fail + counts.error + counts.notApplicable,
        late: Number(r.late),
        firstSeen: r.first_seen,
        lastSeen: r.last_seen,
      };
    });
  }

  // ---- apply ----------------------------------------------------------------------------

  /** Takes the apply lock for the rest of the transaction. */
  async lockForApply(tx: Queryable): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [APPLY_LOCK_KEY]);
  }

  /** Every service, control (with its current version) and assignment, for comparison. */
  async loadState(db: Queryable = this.dataSource): Promise<CatalogState> {
    const services = await db.query<ServiceRow[]>(
      `SELECT id, name, owner, description, created_at, updated_at, retired_at
         FROM services ORDER BY id`,
    );
    const controls = await db.query<ControlRow[]>(
      `SELECT ${CONTROL_COLUMNS}
         FROM controls c
         JOIN control_versions v ON v.control_id = c.id AND v.valid_to IS NULL
        ORDER BY c.id`,
    );
    const assignments = await db.query<AssignmentRow[]>(
      `SELECT service_id, control_id, valid_from, valid_to, created_at, ended_at
         FROM assignments ORDER BY service_id, control_id, valid_from`,
    );
    return {
      services: services.map(toService),
      controls: controls.map(toControl),
      assignments: assignments.map(toAssignment),
    };
  }

  /** Writes a plan computed from `loadState` in the same transaction. */
  async writePlan(tx: Queryable, plan: CatalogWritePlan): Promise<void> {
    const at = plan.appliedAt;
    if (plan.insertServices.length) {
      await tx.query(
        `INSERT INTO services (id, name, owner, description, created_at, updated_at)
         SELECT s.id, s.name, s.owner, s.description, $2, $2
           FROM jsonb_to_recordset($1::jsonb) AS s(id text, name text, owner text, description text)`,
        [JSON.stringify(plan.insertServices), at],
      );
    }
    if (plan.updateServices.length) {
      await tx.query(
        `UPDATE services t
            SET name = s.name, owner = s.owner, description = s.description,
                retired_at = NULL, updated_at = $2
           FROM jsonb_to_recordset($1::jsonb) AS s(id text, name text, owner text, description text)
          WHERE t.id = s.id`,
        [JSON.stringify(plan.updateServices), at],
      );
    }
    if (plan.retireServices.length) {
      await tx.query(`UPDATE services SET retired_at = $2, updated_at = $2 WHERE id = ANY ($1)`, [
        plan.retireServices,
        at,
      ]);
    }
    if (plan.insertControls.length) {
      await tx.query(
        `INSERT INTO controls (id, created_at, updated_at)
         SELECT id, $2, $2 FROM unnest($1::text[]) AS id`,
        [plan.insertControls.map((c) => c.id), at],
      );
    }
    if (plan.newControlVersions.length) {
      // Close each current version where the new one starts: the two never overlap.
      await tx.query(
        `UPDATE control_versions v SET valid_to = n.valid_from
           FROM jsonb_to_recordset($1::jsonb) AS n(control_id text, valid_from timestamptz)
          WHERE v.control_id = n.control_id AND v.valid_to IS NULL`,
        [
          JSON.stringify(
            plan.newControlVersions.map((c) => ({
              control_id: c.id,
              valid_from: c.version.validFrom,
            })),
          ),
        ],
      );
      await tx.query(`UPDATE controls SET updated_at = $2 WHERE id = ANY ($1)`, [
        plan.newControlVersions.map((c) => c.id),
        at,
      ]);
    }
    const versions = [...plan.insertControls, ...plan.newControlVersions];
    if (versions.length) {
      await tx.query(
        `INSERT INTO control_versions (control_id, valid_from, valid_to, title, description, owner,
                                       frequency, tolerable_deviation_rate, criteria, created_at)
         SELECT v.control_id, v.valid_from, NULL, v.title, v.description, v.owner, v.frequency,
                v.rate, ARRAY(SELECT jsonb_array_elements_text(v.criteria)), $2
           FROM jsonb_to_recordset($1::jsonb) AS v(control_id text, valid_from timestamptz,
                title text, description text, owner text, frequency text, rate numeric, criteria jsonb)`,
        [
          JSON.stringify(
            versions.map((c) => ({
              control_id: c.id,
              valid_from: c.version.validFrom,
              title: c.version.title,
              description: c.version.description,
              owner: c.version.owner,
              frequency: c.version.frequency,
              rate: c.version.tolerableDeviationRate,
              criteria: c.version.criteria,
            })),
          ),
          at,
        ],
      );
    }
    if (plan.reactivateControls.length) {
      await tx.query(`UPDATE controls SET retired_at = NULL, updated_at = $2 WHERE id = ANY ($1)`, [
        plan.reactivateControls,
        at,
      ]);
    }
    if (plan.retireControls.length) {
      await tx.query(`UPDATE controls SET retired_at = $2, updated_at = $2 WHERE id = ANY ($1)`, [
        plan.retireControls,
        at,
      ]);
    }
    // Ends first, then new intervals: a new interval may start where an ended one now stops.
    // Among the ends, those that shorten an interval go before those that lengthen it: the
    // exclusion constraint is checked row by row, and a re-opened interval may reach into one
    // that this same plan ends earlier.
    if (plan.updateAssignmentEnds.length) {
      for (const shortening of [true, false]) {
        await tx.query(
          `UPDATE assignments a
              SET valid_to = u.valid_to,
                  ended_at = CASE WHEN u.valid_to IS NULL THEN NULL
                                  WHEN a.valid_to IS NULL THEN $2::timestamptz
                                  ELSE a.ended_at END
             FROM jsonb_to_recordset($1::jsonb)
               AS u(service_id text, control_id text, valid_from timestamptz, valid_to timestamptz)
            WHERE a.service_id = u.service_id AND a.control_id = u.control_id
              AND a.valid_from = u.valid_from
              AND (u.valid_to IS NOT NULL AND (a.valid_to IS NULL OR u.valid_to < a.valid_to)) = $3`,
          [JSON.stringify(plan.updateAssignmentEnds.map(assignmentJson)), at, shortening],
        );
      }
    }
    if (plan.insertAssignments.length) {
      await tx.query(
        `INSERT INTO assignments (service_id, control_id, valid_from, valid_to, created_at, ended_at)
         SELECT n.service_id, n.control_id, n.valid_from, n.valid_to, $2,
                CASE WHEN n.valid_to IS NULL THEN NULL ELSE $2::timestamptz END
           FROM jsonb_to_recordset($1::jsonb)
             AS n(service_id text, control_id text, valid_from timestamptz, valid_to timestamptz)`,
        [JSON.stringify(plan.insertAssignments.map(assignmentJson)), at],
      );
    }
  }

  async recordApply(tx: Queryable, entry: CatalogApplyLogEntry): Promise<void> {
    await tx.query(
      `INSERT INTO catalog_applies (applied_at, applied_by, document_sha256, added_count,
                                    changed_count, ended_count, retired_count, unchanged_count, summary)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
      [
        entry.appliedAt,
        entry.appliedBy,
        entry.documentSha256,
        entry.added,
        entry.changed,
        entry.ended,
        entry.retired,
        entry.unchanged,
        JSON.stringify(entry.summary),
      ],
    );
  }

  /** The applies so far, newest first (an audit trail of scope changes); `limit + 1` rows. */
  async listApplies(page: {
    limit: number;
    beforeId?: string | null;
  }): Promise<CatalogApplyRecord[]> {
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        applied_at: Date;
        applied_by: string | null;
        document_sha256: string;
        added_count: number;
        changed_count: number;
        ended_count: number;
        retired_count: number;
        unchanged_count: number;
        summary: unknown;
      }>
    >(
      `SELECT id, applied_at, applied_by, document_sha256, added_count, changed_count, ended_count,
              retired_count, unchanged_count, summary
         FROM catalog_applies
        WHERE $2::bigint IS NULL OR id < $2::bigint
        ORDER BY id DESC
        LIMIT $1`,
      [page.limit + 1, page.beforeId ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      appliedAt: r.applied_at,
      appliedBy: r.applied_by,
      documentSha256: r.document_sha256,
      added: r.added_count,
      changed: r.changed_count,
      ended: r.ended_count,
      retired: r.retired_count,
      unchanged: r.unchanged_count,
      summary: r.summary,
    }));
  }
}

function assignmentJson(a: { serviceId: string; controlId: string; from: Date; to: Date | null }) {
  return { service_id: a.serviceId, control_id: a.controlId, valid_from: a.from, valid_to: a.to };
}

function toCriterion(r: CriterionRow): CriterionRecord {
  return {
    id: r.id,
    category: r.category,
    series: r.series,
    seriesTitle: r.series_title,
    title: r.title,
    text: r.text,
    cosoPrinciple: r.coso_principle,
  };
}

function toService(r: ServiceRow): ServiceRecord {
  return {
    id: r.id,
    name: r.name,
    owner: r.owner,
    description: r.description,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    retiredAt: r.retired_at,
  };
}

function toVersion(r: VersionRow): ControlVersion {
  return {
    validFrom: r.valid_from,
    validTo: r.valid_to,
    title: r.title,
    description: r.description,
    owner: r.owner,
    frequency: r.frequency,
    tolerableDeviationRate: Number(r.tolerable_deviation_rate),
    criteria: r.criteria,
  };
}

function toControl(r: ControlRow): ControlRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    retiredAt: r.retired_at,
    current: toVersion(r),
  };
}

function toAssignment(r: AssignmentRow): AssignmentRecord {
  return {
    serviceId: r.service_id,
    controlId: r.control_id,
    from: r.valid_from,
    to: r.valid_to,
    createdAt: r.created_at,
    endedAt: r.ended_at,
  };
}
