import { MigrationInterface, QueryRunner } from 'typeorm';

const ROLLUP_COLUMNS = `service_id, control_id, day, pass_count, fail_count, error_count,
  not_applicable_count, late_count, first_time, last_time, last_outcome,
  pass_hours, fail_hours, not_applicable_hours`;

/**
 * Several rows of one (service, control, day) merged into one: sums, first and last times, the
 * outcome of the latest result (at equal times the most severe, as ingest orders them) and the
 * union of the hour bitmaps. `source` must have the rollup columns.
 */
function mergedDailyRollupsSql(source: string): string {
  return `
    SELECT service_id, control_id, day,
           sum(pass_count)::int AS pass_count, sum(fail_count)::int AS fail_count,
           sum(error_count)::int AS error_count, sum(not_applicable_count)::int AS not_applicable_count,
           sum(late_count)::int AS late_count, min(first_time) AS first_time, max(last_time) AS last_time,
           (array_agg(last_outcome ORDER BY last_time DESC, vigil_outcome_rank(last_outcome) DESC))[1] AS last_outcome,
           bit_or(pass_hours) AS pass_hours, bit_or(fail_hours) AS fail_hours,
           bit_or(not_applicable_hours) AS not_applicable_hours
      FROM ${source}
     GROUP BY service_id, control_id, day`;
}

/**
 * Daily rollups leave ingest's hot path. Ingest used to upsert `daily_rollups` in every batch
 * (`INSERT … ON CONFLICT DO UPDATE` of ~1 row per stored result: a third of PostgreSQL's work
 * per batch). Now each batch appends its deltas to `daily_rollup_deltas` with COPY, in the same
 * transaction as its results and offsets, so the rollups stay exact at every commit:
 *
 * - `daily_rollups` holds the compacted rows; `daily_rollup_deltas` what ingest added since;
 * - the view `daily_rollups_current` is their merge, one row per (service, control, day): the
 *   daily rollups as of any snapshot;
 * - `vigil_compact_daily_rollups(max_rows)` moves up to `max_rows` deltas into `daily_rollups`
 *   in one statement (the evaluator runs it every few seconds). A delta is deleted and added in
 *   the same transaction, and a delta committed after the statement's snapshot is left for the
 *   next run, so a reader never sees one twice or not at all. Two runs at once cannot move a
 *   delta twice: the second skips the rows the first deleted.
 */
export class DailyRollupDeltas1764560000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE daily_rollup_deltas (
        service_id text NOT NULL,
        control_id text NOT NULL,
        day date NOT NULL,
        pass_count int NOT NULL,
        fail_count int NOT NULL,
        error_count int NOT NULL,
        not_applicable_count int NOT NULL,
        late_count int NOT NULL,
        first_time timestamptz NOT NULL,
        last_time timestamptz NOT NULL,
        last_outcome text NOT NULL CHECK (last_outcome IN ('pass', 'fail', 'error', 'not_applicable')),
        pass_hours int NOT NULL,
        fail_hours int NOT NULL,
        not_applicable_hours int NOT NULL
      )`);
    await queryRunner.query(`
      CREATE VIEW daily_rollups_current AS
      ${mergedDailyRollupsSql(`(SELECT ${ROLLUP_COLUMNS} FROM daily_rollups
                                UNION ALL
                                SELECT ${ROLLUP_COLUMNS} FROM daily_rollup_deltas) AS r`)}`);
    await queryRunner.query(`
      CREATE FUNCTION vigil_compact_daily_rollups(max_rows int) RETURNS bigint
      LANGUAGE sql
      AS $$
        WITH moved AS (
          DELETE FROM daily_rollup_deltas
           WHERE ctid = ANY (ARRAY(SELECT ctid FROM daily_rollup_deltas LIMIT max_rows))
          RETURNING ${ROLLUP_COLUMNS}
        ), merged AS (${mergedDailyRollupsSql('moved')}
        ), written AS (
          INSERT INTO daily_rollups AS r (${ROLLUP_COLUMNS})
          SELECT ${ROLLUP_COLUMNS} FROM merged ORDER BY service_id, control_id, day
          ON CONFLICT (service_id, control_id, day) DO UPDATE SET
            pass_count = r.pass_count + excluded.pass_count,
            fail_count = r.fail_count + excluded.fail_count,
            error_count = r.error_count + excluded.error_count,
            not_applicable_count = r.not_applicable_count + excluded.not_applicable_count,
            late_count = r.late_count + excluded.late_count,
            first_time = LEAST(r.first_time, excluded.first_time),
            last_outcome = CASE
              WHEN (excluded.last_time, vigil_outcome_rank(excluded.last_outcome)) > (r.last_time, vigil_outcome_rank(r.last_outcome))
              THEN excluded.last_outcome ELSE r.last_outcome END,
            last_time = GREATEST(r.last_time, excluded.last_time),
            pass_hours = r.pass_hours | excluded.pass_hours,
            fail_hours = r.fail_hours | excluded.fail_hours,
            not_applicable_hours = r.not_applicable_hours | excluded.not_applicable_hours
          RETURNING 1
        )
        SELECT count(*) FROM moved
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Fold what is pending into daily_rollups first, so going back loses nothing.
    await queryRunner.query(`SELECT vigil_compact_daily_rollups(2147483647)`);
    await queryRunner.query(`DROP FUNCTION vigil_compact_daily_rollups(int)`);
    await queryRunner.query(`DROP VIEW daily_rollups_current`);
    await queryRunner.query(`DROP TABLE daily_rollup_deltas`);
  }
}
