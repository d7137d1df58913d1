import type { Outcome } from '@vigil/domain';
import { DataSource } from 'typeorm';

/** One stored result as the raw-history endpoint shows it. */
export interface StoredResult {
  seq: string;
  /** The CloudEvent id (SPEC §3 names it `id`); `eventId` is the same value. */
  id: string;
  source: string;
  eventId: string;
  serviceId: string;
  controlId: string;
  outcome: Outcome;
  /** RFC 3339 UTC with microseconds (PostgreSQL's precision), so cursors are exact. */
  time: string;
  receivedAt: string;
  late: boolean;
  evidence: unknown;
  test: unknown;
  details: unknown;
}

export interface ResultHistoryQuery {
  serviceId: string;
  controlId: string;
  from?: Date;
  to?: Date;
  outcomes?: Outcome[];
  /** The (time, seq) of the last row of the previous page; rows come strictly after it. */
  after?: { time: string; seq: string } | null;
  limit: number;
}

interface ResultRow {
  seq: string;
  source: string;
  event_id: string;
  service_id: string;
  control_id: string;
  outcome: Outcome;
  time: string;
  received_at: string;
  late: boolean;
  evidence: unknown;
  test: unknown;
  details: unknown;
}

const RFC3339_US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/** The raw pass/fail history of one pair, in (time, seq) order, keyset-paged over the PK. */
export class ResultHistoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Returns up to `limit + 1` rows: the extra one only says there is another page. */
  async findResultsPage(q: ResultHistoryQuery): Promise<StoredResult[]> {
    const rows = await this.dataSource.query<ResultRow[]>(
      `SELECT seq::text AS seq, source, event_id, service_id, control_id, outcome,
              to_char(time AT TIME ZONE 'UTC', ${RFC3339_US}) AS time,
              to_char(received_at AT TIME ZONE 'UTC', ${RFC3339_US}) AS received_at,
              late, evidence, test, details
         FROM results
        WHERE service_id = $1 AND control_id = $2
          AND ($3::timestamptz IS NULL OR time >= $3)
          AND ($4::timestamptz IS NULL OR time < $4)
          AND ($5::text[] IS NULL OR outcome = ANY ($5))
          AND ($6::timestamptz IS NULL OR (time, seq) > ($6::timestamptz, $7::bigint))
        ORDER BY time, seq
        LIMIT $8`,
      [
        q.serviceId,
        q.controlId,
        q.from ?? null,
        q.to ?? null,
        q.outcomes && q.outcomes.length ? q.outcomes : null,
        q.after?.time ?? null,
        q.after?.seq ?? null,
        q.limit + 1,
      ],
    );
    return rows.map((r) => ({
      seq: r.seq,
      id: r.event_id,
      source: r.source,
      eventId: r.event_id,
      serviceId: r.service_id,
      controlId: r.control_id,
      outcome: r.outcome,
      time: r.time,
      receivedAt: r.received_at,
      late: r.late,
      evidence: r.evidence,
      test: r.test,
      details: r.details,
    }));
  }

  /** Whether any result of the pair is stored, whatever its time or outcome. */
  async pairHasResults(serviceId: string, controlId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM results WHERE service_id = $1 AND control_id = $2 LIMIT 1`,
      [serviceId, controlId],
    );
    return rows.length > 0;
  }
}
