import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two ingest transactions may create the same monthly partition at once: the advisory lock
 * serialises them, but the second one's catalogue snapshot can predate the first one's commit,
 * so it now treats "already exists" as done.
 */
export class ResultsPartitionRace1764510000001 implements MigrationInterface {
  name = 'ResultsPartitionRace1764510000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION vigil_ensure_results_partition(month date) RETURNS text
      LANGUAGE plpgsql
      AS $$
      DECLARE
        first_day date := date_trunc('month', month)::date;
        name text := format('results_y%sm%s', to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
      BEGIN
        IF to_regclass(name) IS NULL THEN
          PERFORM pg_advisory_xact_lock(hashtext('vigil_results_partitions'));
          BEGIN
            EXECUTE format(
              'CREATE TABLE %I PARTITION OF results FOR VALUES FROM (%L) TO (%L)',
              name, first_day::timestamp AT TIME ZONE 'UTC', (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC');
          EXCEPTION WHEN duplicate_table THEN
            NULL;
          END;
        END IF;
        RETURN name;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION vigil_ensure_results_partition(month date) RETURNS text
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
  }
}
