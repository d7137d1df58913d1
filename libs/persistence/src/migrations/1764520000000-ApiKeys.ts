import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys (SPEC §6). Only the SHA-256 of a key is stored, never the key: the lookup on each
 * request is an index probe on `key_hash`. `key_prefix` is what operators see in lists.
 */
export class ApiKeys1764520000000 implements MigrationInterface {
  name = 'ApiKeys1764520000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        role text NOT NULL CHECK (role IN ('admin', 'dashboard', 'auditor', 'producer')),
        key_hash text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
        key_prefix text NOT NULL,
        services text[] NULL,
        expires_at timestamptz NULL,
        revoked_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NULL,
        CONSTRAINT api_keys_key_hash_unique UNIQUE (key_hash),
        -- Only auditor keys can be limited to services; an empty list would be a key for nothing.
        CONSTRAINT api_keys_services_auditor_only CHECK (
          services IS NULL OR (role = 'auditor' AND cardinality(services) > 0)
        )
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_created_at_id ON api_keys (created_at, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_keys`);
  }
}
