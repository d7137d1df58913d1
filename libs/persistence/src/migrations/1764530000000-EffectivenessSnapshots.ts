import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the evaluator keeps (SPEC §5 rolling windows, issue 5):
 * - `effectiveness_snapshots`: one row per UTC day, rolling period (30/90/180/365 days) and
 *   scope (a pair, a service, a criterion or the fleet). Unused scope ids are '' so the key is
 *   a plain primary key and re-running a day overwrites instead of duplicating. Key numbers
 *   are columns (trend queries, SQL by hand); the whole evaluation is in `data`.
 * - `pair_status`: the last slot status and verdict the detector saw per pair, to tell changes.
 * - `status_change_log`: every status change, written in the same transaction that moves
 *   `pair_status` and before publishing; `change_key` is unique so one change is published
 *   once; `published_at` stays null until Kafka acknowledged it (retried on the next run).
 */
export class EffectivenessSnapshots1764530000000 implements MigrationInterface {
  name = 'EffectivenessSnapshots1764530000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE effectiveness_snapshots (
        scope_kind text NOT NULL CHECK (scope_kind IN ('pair', 'service', 'criterion', 'fleet')),
        service_id text NOT NULL DEFAULT '',
        control_id text NOT NULL DEFAULT '',
        criterion_id text NOT NULL DEFAULT '',
        period_days int NOT NULL CHECK (period_days > 0),
        day date NOT NULL,
        window_from timestamptz NOT NULL,
        window_to timestamptz NOT NULL,
        verdict text NOT NULL,
        pairs int NOT NULL,
        expected_occurrences int NOT NULL,
        deviations int NOT NULL,
        deviation_rate double precision NULL,
        coverage double precision NULL,
        time_in_compliance double precision NULL,
        data jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope_kind, service_id, control_id, criterion_id, period_days, day)
      )`);
    await queryRunner.query(
      `CREATE INDEX effectiveness_snapshots_day ON effectiveness_snapshots (day, period_days)`,
    );
    await queryRunner.query(`
      CREATE TABLE pair_status (
        service_id text NOT NULL,
        control_id text NOT NULL,
        slot_start timestamptz NULL,
        slot_end timestamptz NULL,
        slot_status text NULL,
        verdict text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (service_id, control_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE status_change_log (
        id bigserial PRIMARY KEY,
        change_key text NOT NULL UNIQUE,
        service_id text NOT NULL,
        control_id text NOT NULL,
        reason text NOT NULL,
        event jsonb NOT NULL,
        detected_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX status_change_log_unpublished ON status_change_log (id) WHERE published_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE status_change_log`);
    await queryRunner.query(`DROP TABLE pair_status`);
    await queryRunner.query(`DROP TABLE effectiveness_snapshots`);
  }
}
