import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { instantText } from '@vigil/domain';
import {
  PACK_LOCK_CLASS,
  invalidateResultPacks,
  lockPackMonthsSql,
  packHorizonsSql,
  monthDate as packMonthDate,
  monthKey as packMonthKey,
  parsePackHorizons,
} from '../effectiveness/result-packs';

export type StoredOutcome = 'pass' | 'fail' | 'error' | 'not_applicable';

/** A validated result about to be stored, with where it came from. */
export interface NewResultRow {
  source: string;
  eventId: string;
  serviceId: string;
  controlId: string;
  outcome: StoredOutcome;
  time: Date;
  /** The microseconds of `time` within its millisecond (0–999). */
  timeMicros: number;
  receivedAt: Date;
  late: boolean;
  evidence: unknown;
  test: unknown;
  details: unknown;
  sha256: string;
  kafkaTopic: string | null;
  kafkaPartition: number | null;
  kafkaOffset: string | null;
}

/** What a batch adds to one (service, control, UTC day) row of daily_rollups. */
export interface DailyRollupDelta {
  serviceId: string;
  controlId: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  passCount: number;
  failCount: number;
  errorCount: number;
  notApplicableCount: number;
  lateCount: number;
  firstTime: Date;
  lastTime: Date;
  /** Microseconds within the millisecond of firstTime and lastTime, when written by ingest. */
  firstTimeMicros?: number;
  lastTimeMicros?: number;
  lastOutcome: StoredOutcome;
  passHours: number;
  failHours: number;
  notApplicableHours: number;
}

export type DailyRollupRow = DailyRollupDelta;

export interface IdentityKey {
  source: string;
  eventId: string;
}

export interface StoredOffset {
  topic: string;
  partition: number;
  nextOffset: string;
}

/** PostgreSQL data exceptions (class 22) and check violations: the row, not the server, is bad. */
export function isDataRejectedByDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code === '23514');
}

/** The statements of one ingest transaction; obtained from IngestRepository.inTransaction. */
export class IngestTransaction {
  constructor(private readonly client: PoolClient) {}

  /**
   * Serialises the writers of one partition (during a rebalance the old and the new owner may
   * overlap) and returns the offset stored for it, read after the lock so it is current. Also
   * takes the result-pack locks of `packMonths` (the months of the batch's results) shared and
   * reads their pack horizons after them, for {@link invalidateResultPacks}: two statements in
   * all, the same round trips as without packs.
   */
  async lockPartitionOffset(
    group: string,
    topic: string,
    partition: number,
    packMonths: readonly number[] = [],
  ): Promise<{ nextOffset: string | null; packHorizons: Map<number, number> }> {
    await this.client.query(
      `SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2 || ':' || $3::text)),
              ${lockPackMonthsSql('$4', '$5')}`,
      [group, topic, partition, PACK_LOCK_CLASS, packMonths.map(packMonthKey)],
    );
    const { rows } = await this.client.query<{
      next_offset: string | null;
      horizons: string | null;
    }>(
      `SELECT (SELECT next_offset FROM ingest_offsets
                WHERE consumer_group = $1 AND topic = $2 AND partition = $3) AS next_offset,
              ${packHorizonsSql('$4')} AS horizons`,
      [group, topic, partition, packMonths.map(packMonthDate)],
    );
    return {
      nextOffset: rows[0]?.next_offset ?? null,
      packHorizons: parsePackHorizons(rows[0]?.horizons ?? null),
    };
  }

  /** The content hashes already stored for these identities (keyed `source\n id`). */
  async findStoredIdentities(keys: IdentityKey[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (keys.length === 0) return found;
    const { rows } = await this.client.query<{
      source: string;
      event_id: string;
      event_sha256: string;
    }>(
      `SELECT ri.source, ri.event_id, ri.event_sha256
         FROM unnest($1::text[], $2::text[]) AS k(source, event_id)
         JOIN result_identities ri ON ri.source = k.source AND ri.event_id = k.event_id`,
      [keys.map((k) => k.source), keys.map((k) => k.eventId)],
    );
    for (const r of rows) found.set(identityKey(r.source, r.event_id), r.event_sha256);
    return found;
  }

  /**
   * Claims the identities and inserts the results with COPY, the fastest way into PostgreSQL
   * (one COPY per table per batch). The caller has already left out the identities stored
   * before; if another writer claims one of these meanwhile, the unique index on
   * result_identities fails the COPY, the transaction rolls back and the batch is retried (its
   * dedup then sees the other writer's row). Returns the seq given to each row.
   */
  async insertNewResults(rows: NewResultRow[]): Promise<Array<{ index: number; seq: string }>> {
    if (rows.length === 0) return [];
    const { rows: seqs } = await this.client.query<{ seq: string }>(
      `SELECT nextval('results_seq') AS seq FROM generate_series(1, $1)`,
      [rows.length],
    );
    let identities = '';
    let results = '';
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const seq = seqs[i].seq;
      const source = copyText(r.source);
      const eventId = copyText(r.eventId);
      const time = instantText(r.time, r.timeMicros);
      identities += `${source}\t${eventId}\t${r.sha256}\t${time}\t${seq}\n`;
      results +=
        `${seq}\t${source}\t${eventId}\t${copyText(r.serviceId)}\t${copyText(r.controlId)}\t${r.outcome}\t` +
        `${time}\t${r.receivedAt.toISOString()}\t${r.late ? 't' : 'f'}\t${copyJson(r.evidence)}\t` +
        `${copyJson(r.test)}\t${copyJson(r.details)}\t${r.sha256}\t${copyNullable(r.kafkaTopic)}\t` +
        `${r.kafkaPartition ?? '\\N'}\t${r.kafkaOffset ?? '\\N'}\n`;
    }
    await this.copy(
      `COPY result_identities (source, event_id, event_sha256, time, seq) FROM STDIN`,
      identities,
    );
    await this.copy(
      `COPY results (seq, source, event_id, service_id, control_id, outcome, time, received_at, late,
                     evidence, test, details, event_sha256, kafka_topic, kafka_partition, kafka_offset) FROM STDIN`,
      results,
    );
    return seqs.map(({ seq }, index) => ({ index, seq }));
  }

  private async copy(sql: string, text: string): Promise<void> {
    const stream = this.client.query(copyFrom(sql));
    await pipeline(Readable.from([text]), stream);
  }

  /**
   * Appends the deltas to daily_rollup_deltas with one COPY: no row is read or locked, so
   * concurrent batches never wait on each other here. `daily_rollups_current` merges them with
   * the compacted `daily_rollups` (see the DailyRollupDeltas migration).
   */
  async addDailyRollupDeltas(deltas: readonly DailyRollupDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    let text = '';
    for (const d of deltas) {
      text +=
        `${copyText(d.serviceId)}\t${copyText(d.controlId)}\t${d.day}\t${d.passCount}\t${d.failCount}\t` +
        `${d.errorCount}\t${d.notApplicableCount}\t${d.lateCount}\t` +
        `${instantText(d.firstTime, d.firstTimeMicros)}\t` +
        `${instantText(d.lastTime, d.lastTimeMicros)}\t${d.lastOutcome}\t${d.passHours}\t${d.failHours}\t${d.notApplicableHours}\n`;
    }
    await this.copy(
      `COPY daily_rollup_deltas (service_id, control_id, day, pass_count, fail_count, error_count,
              not_applicable_count, late_count, first_time, last_time, last_outcome,
              pass_hours, fail_hours, not_applicable_hours) FROM STDIN`,
      text,
    );
  }

  /**
   * Invalidates the result packs these newly stored results belong in (late results for days
   * the evaluator has packed already); see {@link invalidateResultPacks}.
   */
  async invalidateResultPacks(
    rows: ReadonlyArray<{ serviceId: string; controlId: string; time: Date }>,
    packHorizons: ReadonlyMap<number, number>,
  ): Promise<number> {
    return invalidateResultPacks(this.client, rows, packHorizons);
  }

  async saveOffset(
    group: string,
    topic: string,
    partition: number,
    nextOffset: string,
  ): Promise<void> {
    await this.client.query(
      `INSERT INTO ingest_offsets (consumer_group, topic, partition, next_offset, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (consumer_group, topic, partition)
       DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at`,
      [group, topic, partition, nextOffset],
    );
  }
}

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, copyEscape) : value;
}

function copyEscape(c: string): string {
  switch (c) {
    case '\\':
      return '\\\\';
    case '\t':
      return '\\t';
    case '\n':
      return '\\n';
    default:
      return '\\r';
  }
}

function copyNullable(value: string | null): string {
  return value === null ? '\\N' : copyText(value);
}

function copyJson(value: unknown): string {
  return value === null || value === undefined ? '\\N' : copyText(JSON.stringify(value));
}

export function identityKey(source: string, eventId: string): string {
  return `${source}\n${eventId}`;
}

/**
 * Persistence of the ingest path: results, identities, daily rollups and consumer offsets.
 * The hot statements are set-based (one statement per table per batch).
 */
export class IngestRepository {
  private readonly knownMonths = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  private get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  /**
   * Runs `work` in one transaction on one connection. A failed connection is discarded, not
   * returned to the pool, so a retry gets a fresh one.
   */
  async inTransaction<T>(
    work: (tx: IngestTransaction) => Promise<T>,
    beforeCommit?: () => void,
  ): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A connection that dies while checked out (pg_terminate_backend, a database restart)
    // emits 'error' between statements; without a listener that would crash the process.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(new IngestTransaction(client));
      beforeCommit?.();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (broken === undefined) {
        // The statement failed, maybe not the connection: keep it if it can still roll back.
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken =
            rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
      }
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /**
   * Creates the monthly partitions of `results` for these months (UTC month starts, ms, as
   * `packMonthsOf` gives them), once per process.
   */
  async ensurePartitionsFor(months: readonly number[]): Promise<void> {
    for (const month of months) {
      const day = packMonthDate(month);
      if (this.knownMonths.has(day)) continue;
      await this.dataSource.query(`SELECT vigil_ensure_results_partition($1::date)`, [day]);
      this.knownMonths.add(day);
    }
  }

  /** This month and the next `months` (the evaluator also calls it daily). */
  async ensurePartitionsAhead(months = 2): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ name: string }>>(
      `SELECT vigil_ensure_results_partitions_ahead($1) AS name`,
      [months],
    );
    return rows.map((r) => r.name);
  }

  async findStoredOffsets(group: string, topic: string): Promise<StoredOffset[]> {
    const rows = await this.dataSource.query<
      Array<{ topic: string; partition: number; next_offset: string }>
    >(
      `SELECT topic, partition, next_offset FROM ingest_offsets WHERE consumer_group = $1 AND topic = $2 ORDER BY partition`,
      [group, topic],
    );
    return rows.map((r) => ({ topic: r.topic, partition: r.partition, nextOffset: r.next_offset }));
  }

  /**
   * Moves up to `maxRows` rollup deltas into the compacted `daily_rollups` in one statement;
   * returns how many it moved. Readers of `daily_rollups_current` see the same rows before and
   * after. Safe to run at any time, beside ingest and beside another compaction.
   */
  async compactDailyRollups(maxRows = 100_000): Promise<number> {
    const rows = await this.dataSource.query<Array<{ moved: string }>>(
      `SELECT vigil_compact_daily_rollups($1) AS moved`,
      [maxRows],
    );
    return Number(rows[0].moved);
  }

  /**
   * The daily rollups as they should be, recomputed from `results` (same rules as ingest's
   * deltas). Used by consistency checks and tests: it must equal `daily_rollups_current`.
   */
  async recomputeDailyRollups(): Promise<DailyRollupRow[]> {
    const rows = await this.dataSource.query<RollupSqlRow[]>(RECOMPUTE_DAILY_ROLLUPS_SQL);
    return rows.map(fromRollupSqlRow);
  }

  async findDailyRollups(): Promise<DailyRollupRow[]> {
    const rows = await this.dataSource.query<RollupSqlRow[]>(CURRENT_DAILY_ROLLUPS_SQL);
    return rows.map(fromRollupSqlRow);
  }
}

interface RollupSqlRow {
  service_id: string;
  control_id: string;
  day: string;
  pass_count: number;
  fail_count: number;
  error_count: number;
  not_applicable_count: number;
  late_count: number;
  first_time: Date;
  last_time: Date;
  last_outcome: StoredOutcome;
  pass_hours: number;
  fail_hours: number;
  not_applicable_hours: number;
}

function fromRollupSqlRow(r: RollupSqlRow): DailyRollupRow {
  return {
    serviceId: r.service_id,
    controlId: r.control_id,
    day: r.day,
    passCount: r.pass_count,
    failCount: r.fail_count,
    errorCount: r.error_count,
    notApplicableCount: r.not_applicable_count,
    lateCount: r.late_count,
    firstTime: r.first_time,
    lastTime: r.last_time,
    lastOutcome: r.last_outcome,
    passHours: r.pass_hours,
    failHours: r.fail_hours,
    notApplicableHours: r.not_applicable_hours,
  };
}

/**
 * The daily rollups computed from `results` in one pass (UTC days and hours; at equal last
 * times the most severe outcome is the last, as ingest orders them): the columns of
 * `daily_rollups`, `day` a date. Benchmarks fill `daily_rollups` with it after seeding
 * results by COPY; {@link RECOMPUTE_DAILY_ROLLUPS_SQL} compares it with the stored rollups.
 */
export const DAILY_ROLLUPS_FROM_RESULTS_SQL = `
  SELECT service_id, control_id, (time AT TIME ZONE 'UTC')::date AS day,
         count(*) FILTER (WHERE outcome = 'pass')::int AS pass_count,
         count(*) FILTER (WHERE outcome = 'fail')::int AS fail_count,
         count(*) FILTER (WHERE outcome = 'error')::int AS error_count,
         count(*) FILTER (WHERE outcome = 'not_applicable')::int AS not_applicable_count,
         count(*) FILTER (WHERE late)::int AS late_count,
         min(time) AS first_time, max(time) AS last_time,
         (array_agg(outcome ORDER BY time DESC, vigil_outcome_rank(outcome) DESC))[1] AS last_outcome,
         coalesce(bit_or(1 << extract(hour FROM time AT TIME ZONE 'UTC')::int)
                    FILTER (WHERE outcome = 'pass'), 0) AS pass_hours,
         coalesce(bit_or(1 << extract(hour FROM time AT TIME ZONE 'UTC')::int)
                    FILTER (WHERE outcome IN ('fail', 'error')), 0) AS fail_hours,
         coalesce(bit_or(1 << extract(hour FROM time AT TIME ZONE 'UTC')::int)
                    FILTER (WHERE outcome = 'not_applicable'), 0) AS not_applicable_hours
    FROM results
   GROUP BY 1, 2, 3`;

/** The rollup columns as the consistency checks compare them, `day` as `YYYY-MM-DD`. */
const ROLLUP_COLUMNS_FOR_COMPARISON = `service_id, control_id, to_char(day, 'YYYY-MM-DD') AS day,
  pass_count, fail_count, error_count, not_applicable_count, late_count, first_time, last_time,
  last_outcome, pass_hours, fail_hours, not_applicable_hours`;

/** The daily rollups as stored (compacted rows merged with pending deltas), in key order. */
export const CURRENT_DAILY_ROLLUPS_SQL = `
  SELECT ${ROLLUP_COLUMNS_FOR_COMPARISON}
    FROM daily_rollups_current ORDER BY service_id, control_id, day`;

/** The daily rollups recomputed from scratch from `results`, as {@link CURRENT_DAILY_ROLLUPS_SQL} reads the stored ones. */
export const RECOMPUTE_DAILY_ROLLUPS_SQL = `
  SELECT ${ROLLUP_COLUMNS_FOR_COMPARISON}
    FROM (${DAILY_ROLLUPS_FROM_RESULTS_SQL}) r ORDER BY service_id, control_id, day`;
