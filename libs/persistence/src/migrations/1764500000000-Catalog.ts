import { MigrationInterface, QueryRunner } from 'typeorm';
import tsc2017 from '../data/tsc-2017.json';

/**
 * The catalogue (SPEC §4, issue 4): the AICPA 2017 Trust Services Criteria, services, versioned
 * control definitions and assignments with validity intervals.
 *
 * - History is never deleted: a control definition change closes the current version and opens
 *   a new one; an assignment is ended by setting `valid_to`. Services and controls that leave
 *   the catalogue document get `retired_at`, their rows stay.
 * - One (service, control) pair is in scope at most once at any instant, and one control has
 *   one definition at any instant: both enforced by exclusion constraints (btree_gist). An
 *   assignment cancelled before it started is kept as an empty interval (`valid_to = valid_from`).
 * - The first version of a control is valid from 1970-01-01: there was no other definition
 *   before it, so periods before the first apply are evaluated with it.
 */
export class Catalog1764500000000 implements MigrationInterface {
  name = 'Catalog1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Trusted extension since PostgreSQL 13; kept on `down`, other migrations may rely on it.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await queryRunner.query(`
      CREATE TABLE criteria (
        id text PRIMARY KEY,
        category text NOT NULL,
        series text NOT NULL,
        series_title text NOT NULL,
        title text NOT NULL,
        text text NOT NULL,
        coso_principle int NULL,
        sort_order int NOT NULL UNIQUE
      )`);
    await queryRunner.query(
      `INSERT INTO criteria (id, category, series, series_title, title, text, coso_principle, sort_order)
       SELECT c ->> 'id', c ->> 'category', c ->> 'series', c ->> 'seriesTitle', c ->> 'title',
              c ->> 'text', (c ->> 'cosoPrinciple')::int, n::int
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(c, n)`,
      [JSON.stringify(tsc2017)],
    );
    const idCheck = `~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'`;
    await queryRunner.query(`
      CREATE TABLE services (
        id text PRIMARY KEY CHECK (id ${idCheck}),
        name text NOT NULL,
        owner text NOT NULL,
        description text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE controls (
        id text PRIMARY KEY CHECK (id ${idCheck}),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE control_versions (
        control_id text NOT NULL REFERENCES controls (id),
        valid_from timestamptz NOT NULL,
        valid_to timestamptz NULL,
        title text NOT NULL,
        description text NULL,
        owner text NULL,
        frequency text NOT NULL
          CHECK (frequency IN ('hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'annually')),
        tolerable_deviation_rate numeric NOT NULL CHECK (tolerable_deviation_rate BETWEEN 0 AND 1),
        criteria text[] NOT NULL CHECK (cardinality(criteria) > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (control_id, valid_from),
        CHECK (valid_to IS NULL OR valid_to > valid_from),
        EXCLUDE USING gist (control_id WITH =, tstzrange(valid_from, valid_to, '[)') WITH &&)
      )`);
    await queryRunner.query(
      `CREATE INDEX control_versions_criteria ON control_versions USING gin (criteria)`,
    );
    await queryRunner.query(`
      CREATE TABLE assignments (
        service_id text NOT NULL REFERENCES services (id),
        control_id text NOT NULL REFERENCES controls (id),
        valid_from timestamptz NOT NULL,
        valid_to timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz NULL,
        PRIMARY KEY (service_id, control_id, valid_from),
        CHECK (valid_to IS NULL OR valid_to >= valid_from),
        EXCLUDE USING gist (
          service_id WITH =, control_id WITH =, tstzrange(valid_from, valid_to, '[)') WITH &&
        )
      )`);
    await queryRunner.query(
      `CREATE INDEX assignments_control ON assignments (control_id, service_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE catalog_applies (
        id bigserial PRIMARY KEY,
        applied_at timestamptz NOT NULL,
        applied_by text NULL,
        document_sha256 text NOT NULL,
        added_count int NOT NULL,
        changed_count int NOT NULL,
        ended_count int NOT NULL,
        retired_count int NOT NULL,
        unchanged_count int NOT NULL,
        summary jsonb NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE catalog_applies`);
    await queryRunner.query(`DROP TABLE assignments`);
    await queryRunner.query(`DROP TABLE control_versions`);
    await queryRunner.query(`DROP TABLE controls`);
    await queryRunner.query(`DROP TABLE services`);
    await queryRunner.query(`DROP TABLE criteria`);
  }
}
