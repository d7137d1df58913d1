import type { EffectivenessRollup, PairEffectiveness } from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';

export type SnapshotScopeKind = 'pair' | 'service' | 'criterion' | 'fleet';

export interface SnapshotScope {
  kind: SnapshotScopeKind;
  serviceId?: string;
  controlId?: string;
  criterionId?: string;
}

/** One rolling-window evaluation of one scope on one UTC day. */
export interface EffectivenessSnapshot {
  scope: SnapshotScope;
  periodDays: number;
  /** The UTC day the window ends at (exclusive), YYYY-MM-DD. */
  day: string;
  window: { from: Date; to: Date };
  /**
   * A pair's effectiveness (with its control) as the API shows it, without the exact sum of
   * its episode durations that only rollups read; or a rollup.
   */
  data: Omit<PairEffectiveness, 'remediatedMicroseconds'> | EffectivenessRollup;
}

interface SnapshotRow {
  scope_kind: SnapshotScopeKind;
  service_id: string;
  control_id: string;
  criterion_id: string;
  period_days: number;
  day: string;
  window_from: Date;
  window_to: Date;
  data: EffectivenessSnapshot['data'];
}

type Queryable = Pick<EntityManager, 'query'>;

/** Rows written per INSERT: keeps statements well under PostgreSQL's parameter limits. */
const INSERT_BATCH = 2000;

/** The evaluator's daily rolling-window snapshots (SPEC §5), read by the trend endpoint. */
export class EffectivenessSnapshotRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes snapshots; re-running a day overwrites its rows (idempotent per day). */
  async upsertSnapshots(
    snapshots: EffectivenessSnapshot[],
    db: Queryable = this.dataSource,
  ): Promise<number> {
    let written = 0;
    for (let i = 0; i < snapshots.length; i += INSERT_BATCH) {
      const batch = snapshots.slice(i, i + INSERT_BATCH);
      await db.query(
        `INSERT INTO effectiveness_snapshots
           (scope_kind, service_id, control_id, criterion_id, period_days, day, window_from, window_to,
            verdict, pairs, expected_occurrences, deviations, deviation_rate, coverage,
            time_in_compliance, data)
         SELECT s.kind, s.service_id, s.control_id, s.criterion_id, s.period_days, s.day::date,
                s.window_from, s.window_to, s.data->>'verdict', coalesce((s.data->>'pairs')::int, 1),
                (s.data->>'expectedOccurrences')::int, (s.data->>'deviations')::int,
                (s.data->>'deviationRate')::float8, (s.data->>'coverage')::float8,
                (s.data->>'timeInCompliance')::float8, s.data
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[],
                       $7::timestamptz[], $8::timestamptz[], $9::jsonb[])
             AS s(kind, service_id, control_id, criterion_id, period_days, day, window_from, window_to, data)
         ON CONFLICT (scope_kind, service_id, control_id, criterion_id, period_days, day) DO UPDATE
           SET window_from = EXCLUDED.window_from, window_to = EXCLUDED.window_to,
               verdict = EXCLUDED.verdict, pairs = EXCLUDED.pairs,
               expected_occurrences = EXCLUDED.expected_occurrences, deviations = EXCLUDED.deviations,
               deviation_rate = EXCLUDED.deviation_rate, coverage = EXCLUDED.coverage,
               time_in_compliance = EXCLUDED.time_in_compliance, data = EXCLUDED.data,
               computed_at = now()`,
        [
          batch.map((s) => s.scope.kind),
          batch.map((s) => s.scope.serviceId ?? ''),
          batch.map((s) => s.scope.controlId ?? ''),
          batch.map((s) => s.scope.criterionId ?? ''),
          batch.map((s) => s.periodDays),
          batch.map((s) => s.day),
          batch.map((s) => s.window.from),
          batch.map((s) => s.window.to),
          batch.map((s) => JSON.stringify(s.data)),
        ],
      );
      written += batch.length;
    }
    return written;
  }

  /** True when the day's fleet snapshots of every period exist: they are written last. */
  async hasCompleteDay(day: string, periods: readonly number[]): Promise<boolean> {
    const rows = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM effectiveness_snapshots
        WHERE scope_kind = 'fleet' AND day = $1::date AND period_days = ANY ($2::int[])`,
      [day, periods],
    );
    return rows[0].n === periods.length;
  }

  async countDay(day: string): Promise<number> {
    const rows = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM effectiveness_snapshots WHERE day = $1::date`,
      [day],
    );
    return rows[0].n;
  }

  /** The daily snapshots of one scope and period taken on the UTC days from `from` to `to`, oldest first. */
  async findTrend(q: {
    scope: SnapshotScope;
    periodDays: number;
    from: Date;
    to: Date;
  }): Promise<EffectivenessSnapshot[]> {
    const rows = await this.dataSource.query<SnapshotRow[]>(
      `SELECT scope_kind, service_id, control_id, criterion_id, period_days,
              to_char(day, 'YYYY-MM-DD') AS day, window_from, window_to, data
         FROM effectiveness_snapshots
        WHERE scope_kind = $1 AND service_id = $2 AND control_id = $3 AND criterion_id = $4
          AND period_days = $5
          AND day BETWEEN ($6::timestamptz AT TIME ZONE 'UTC')::date
                      AND ($7::timestamptz AT TIME ZONE 'UTC')::date
        ORDER BY day`,
      [
        q.scope.kind,
        q.scope.serviceId ?? '',
        q.scope.controlId ?? '',
        q.scope.criterionId ?? '',
        q.periodDays,
        q.from,
        q.to,
      ],
    );
    return rows.map((r) => ({
      scope: {
        kind: r.scope_kind,
        serviceId: r.service_id || undefined,
        controlId: r.control_id || undefined,
        criterionId: r.criterion_id || undefined,
      },
      periodDays: r.period_days,
      day: r.day,
      window: { from: r.window_from, to: r.window_to },
      data: r.data,
    }));
  }
}
