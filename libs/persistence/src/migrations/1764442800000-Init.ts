import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first migration: a place for installation facts (schema owner, first install time). */
export class Init1764442800000 implements MigrationInterface {
  name = 'Init1764442800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE vigil_meta (
        key text PRIMARY KEY,
        value text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `INSERT INTO vigil_meta (key, value) VALUES ('installed_at', now()::text)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE vigil_meta`);
  }
}
