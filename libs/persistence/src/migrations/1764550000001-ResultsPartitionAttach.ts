import { MigrationInterface, QueryRunner } from 'typeorm';

/** `vigil_ensure_results_partition(month)` creating a missing month with `create`. */
function ensurePartitionFunction(create: string): string {
  return `
      CREATE OR REPLACE FUNCTION vigil_ensure_results_partition(month date) RETURNS text
      LANGUAGE plpgsql
      AS $$
      DECLARE
        first_day date := date_trunc('month', month)::date;
        name text := format('results_y%sm%s', to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
        lower_bound timestamptz := first_day::timestamp AT TIME ZONE 'UTC';
        upper_bound timestamptz := (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC';
      BEGIN
        IF to_regclass(name) IS NULL THEN
          PERFORM pg_advisory_xact_lock(hashtext('vigil_results_partitions'));
          BEGIN
${create}
          EXCEPTION WHEN duplicate_table THEN
            NULL;
          END;
        END IF;
        RETURN name;
      END
      $$`;
}

/**
 * `CREATE TABLE … PARTITION OF results` takes an ACCESS EXCLUSIVE lock on `results`: it waits
 * for every open transaction that read it, and every later query on `results` (ingest, the API)
 * queues behind it. With an export holding its REPEATABLE READ snapshot while its results stream
 * (another connection) reads `results`, that wait never ends: the snapshot waits for the stream,
 * the stream for the DDL, the DDL for the snapshot, and PostgreSQL cannot see the cycle. A late
 * result for a month without a partition, or the evaluator's months ahead, could start it.
 *
 * The partition is now created on its own (LIKE results: columns, defaults, NOT NULL and CHECK
 * constraints) and attached: ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on `results`, which
 * readers and writers do not conflict with, and builds the partitioned indexes on the empty table.
 */
export class ResultsPartitionAttach1764550000001 implements MigrationInterface {
  name = 'ResultsPartitionAttach1764550000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      ensurePartitionFunction(`
            EXECUTE format(
              'CREATE TABLE %I (LIKE results INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)',
              name);
            EXECUTE format('ALTER TABLE results ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
              name, lower_bound, upper_bound);`),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // ResultsPartitionRace's function again.
    await queryRunner.query(
      ensurePartitionFunction(`
            EXECUTE format('CREATE TABLE %I PARTITION OF results FOR VALUES FROM (%L) TO (%L)',
              name, lower_bound, upper_bound);`),
    );
  }
}
