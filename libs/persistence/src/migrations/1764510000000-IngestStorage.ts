import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Storage of ingested results (SPEC §3, issue 3).
 *
 * - `results` is partitioned by month on event time; `vigil_ensure_results_partition(month)`
 *   creates one month (idempotent, serialised by an advisory lock so replicas can race it) and
 *   `vigil_ensure_results_partitions_ahead(months)` creates this month and the next ones.
 * - A unique index on a partitioned table must contain the partition key, so it cannot enforce
 *   identity across months: `result_identities` (unpartitioned, keyed by (source, event_id))
 *   is the dedup authority, written in the same transaction as the result.
 * - `daily_rollups` per (service, control, UTC day); the hour bitmaps let hourly slots be
 *   evaluated from rollups. `last_outcome` is the outcome of the latest result of the day; at
 *   equal times the most severe wins (fail > error > pass > not_applicable), so it does not
 *   depend on ingestion order.
 * - `ingest_offsets`: the consumer's next offset per partition, committed with the results.
 */
export class IngestStorage1764510000000 implements MigrationInterface {
  name = 'IngestStorage1764510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE results_seq AS bigint`);
    await queryRunner.query(`
      CREATE TABLE results (
        seq bigint NOT NULL,
        source text NOT NULL,
        event_id text NOT NULL,
        service_id text NOT NULL,
        control_id text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('pass', 'fail', 'error', 'not_applicable')),
        time timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        late boolean NOT NULL DEFAULT false,
        evidence jsonb NULL,
        test jsonb NULL,
        details jsonb NULL,
        event_sha256 text NOT NULL,
        kafka_topic text NULL,
        kafka_partition int NULL,
        kafka_offset bigint NULL,
        PRIMARY KEY (service_id, control_id, time, seq)
      ) PARTITION BY RANGE (time)`);
    await queryRunner.query(`
      CREATE TABLE result_identities (
        source text NOT NULL,
        event_id text NOT NULL,
        event_sha256 text NOT NULL,
        time timestamptz NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (source, event_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE daily_rollups (
        service_id text NOT NULL,
        control_id text NOT NULL,
        day date NOT NULL,
        pass_count int NOT NULL DEFAULT 0,
        fail_count int NOT NULL DEFAULT 0,
        error_count int NOT NULL DEFAULT 0,
        not_applicable_count int NOT NULL DEFAULT 0,
        late_count int NOT NULL DEFAULT 0,
        first_time timestamptz NOT NULL,
        last_time timestamptz NOT NULL,
        last_outcome text NOT NULL CHECK (last_outcome IN ('pass', 'fail', 'error', 'not_applicable')),
        pass_hours int NOT NULL DEFAULT 0,
        fail_hours int NOT NULL DEFAULT 0,
        not_applicable_hours int NOT NULL DEFAULT 0,
        PRIMARY KEY (service_id, control_id, day)
      )`);
    await queryRunner.query(`
      CREATE TABLE ingest_offsets (
        consumer_group text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        next_offset bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, topic, partition)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION vigil_outcome_rank(outcome text) RETURNS int
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT array_position(ARRAY['not_applicable', 'pass', 'error', 'fail'], outcome) $$`);
    await queryRunner.query(`
      CREATE FUNCTION vigil_ensure_results_partition(month date) RETURNS text
      LANGUAGE plpgsql
      AS $$
      DECLARE
        first_day date := date_trunc('month', month)::date;
        name text := format('results_y%sm%s', to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
      BEGIN
        IF to_regclass(name) IS NULL THEN
          PERFORM pg_advisory_xact_lock(hashtext('vigil_results_partitions'));
          IF to_regclass(name) IS NULL THEN
            EXECUTE format(
              'CREATE TABLE %I PARTITION OF results FOR VALUES FROM (%L) TO (%L)',
              name, first_day::timestamp AT TIME ZONE 'UTC', (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC');
          END IF;
        END IF;
        RETURN name;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION vigil_ensure_results_partitions_ahead(months int DEFAULT 2) RETURNS SETOF text
      LANGUAGE sql
      AS $$
        SELECT vigil_ensure_results_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date)
        FROM generate_series(0, months) AS m
      $$`);
    await queryRunner.query(`SELECT vigil_ensure_results_partitions_ahead(2)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION vigil_ensure_results_partitions_ahead(int)`);
    await queryRunner.query(`DROP FUNCTION vigil_ensure_results_partition(date)`);
    await queryRunner.query(`DROP FUNCTION vigil_outcome_rank(text)`);
    await queryRunner.query(`DROP TABLE ingest_offsets`);
    await queryRunner.query(`DROP TABLE daily_rollups`);
    await queryRunner.query(`DROP TABLE result_identities`);
    await queryRunner.query(`DROP TABLE results`);
    await queryRunner.query(`DROP SEQUENCE results_seq`);
  }
}
