import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Result packs: a pair's results of one month, up to a horizon, in one compact binary value
 * (9 bytes a result: int64 microseconds big-endian, then the one-letter outcome code, upper case
 * when late; in (time, seq) order). The query path reads a year of a service as a few thousand
 * packs instead of 200,000 rows, and only what the packs do not cover from `results`.
 *
 * Packs are derived data, never the record: the evaluator builds them for whole days before
 * `covered_until`, and ingest sets `data` to NULL in the transaction that stores a result the
 * pack should have held (a late result), so the reader falls back to `results` until the
 * evaluator packs it again. `result_pack_months` tells ingest how far a month's packs may reach
 * (`horizon`), and the evaluator how far every pair of the month is packed (`packed_until`).
 */
export class ResultPacks1764550000000 implements MigrationInterface {
  name = 'ResultPacks1764550000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE result_packs (
        service_id text NOT NULL,
        control_id text NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        covered_until timestamptz NOT NULL,
        result_count integer NOT NULL CHECK (result_count >= 0),
        data bytea NULL,
        packed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (service_id, control_id, month),
        CHECK (covered_until > month::timestamp AT TIME ZONE 'UTC'
          AND covered_until <= (month + interval '1 month') AT TIME ZONE 'UTC'),
        CHECK (data IS NULL OR octet_length(data) = 9 * result_count)
      )`);
    await queryRunner.query(
      `CREATE INDEX result_packs_invalidated ON result_packs (month) WHERE data IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE result_pack_months (
        month date PRIMARY KEY CHECK (extract(day FROM month) = 1),
        horizon timestamptz NOT NULL,
        packed_until timestamptz NOT NULL,
        CHECK (packed_until <= horizon)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE result_pack_months`);
    await queryRunner.query(`DROP TABLE result_packs`);
  }
}
