import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The export log (SPEC §7): who exported what, when, and the hash that pins the delivered
 * bytes. A row is written when an export starts and completed when its last byte has left,
 * so an export that failed or whose client went away is recorded too.
 */
export class ExportLog1764540000000 implements MigrationInterface {
  name = 'ExportLog1764540000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE export_log (
        id bigserial PRIMARY KEY,
        requested_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz NULL,
        key_id text NULL,
        key_name text NULL,
        role text NOT NULL,
        format text NOT NULL,
        export_table text NULL,
        parameters jsonb NOT NULL,
        status text NOT NULL DEFAULT 'started' CHECK (status IN ('started', 'completed', 'failed', 'aborted')),
        sha256 text NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        bytes bigint NULL,
        row_counts jsonb NULL,
        error text NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE export_log`);
  }
}
