import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeyRecord, ApiKeyRole } from './api-key';

interface ApiKeyRow {
  id: string;
  name: string;
  role: ApiKeyRole;
  key_prefix: string;
  services: string[] | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
  last_used_at: Date | null;
}

export interface ApiKeyInsert {
  name: string;
  role: ApiKeyRole;
  keyHash: string;
  keyPrefix: string;
  services: string[] | null;
  expiresAt: Date | null;
}

/** Millisecond precision, as JavaScript dates have: page cursors carry created_at exactly. */
const CREATED_NOW = `date_trunc('milliseconds', now())`;
const COLUMNS = `id, name, role, key_prefix, services, expires_at, revoked_at, created_at, last_used_at`;

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    keyPrefix: row.key_prefix,
    services: row.services,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

/** The `api_keys` table. The secret never reaches this class; only its SHA-256 does. */
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(key: ApiKeyInsert): Promise<ApiKeyRecord> {
    const rows = await this.dataSource.query<ApiKeyRow[]>(
      `INSERT INTO api_keys (id, name, role, key_hash, key_prefix, services, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, ${CREATED_NOW})
       RETURNING ${COLUMNS}`,
      [randomUUID(), key.name, key.role, key.keyHash, key.keyPrefix, key.services, key.expiresAt],
    );
    return toRecord(rows[0]);
  }

  /** Inserts unless a key with this hash exists (any role, revoked or not); null when it did. */
  async insertUnlessHashExists(key: ApiKeyInsert): Promise<ApiKeyRecord | null> {
    const rows = await this.dataSource.query<ApiKeyRow[]>(
      `INSERT INTO api_keys (id, name, role, key_hash, key_prefix, services, expires_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, ${CREATED_NOW})
       ON CONFLICT (key_hash) DO NOTHING
       RETURNING ${COLUMNS}`,
      [randomUUID(), key.name, key.role, key.keyHash, key.keyPrefix, key.services, key.expiresAt],
    );
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const rows = await this.dataSource.query<ApiKeyRow[]>(
      `SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`,
      [keyHash],
    );
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const rows = await this.dataSource.query<ApiKeyRow[]>(
      `SELECT ${COLUMNS} FROM api_keys WHERE id = $1`,
      [id],
    );
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  /** Oldest first; `after` is the (created_at, id) of the last key of the previous page. */
  async listPage(
    limit: number,
    after: { createdAt: Date; id: string } | null,
  ): Promise<ApiKeyRecord[]> {
    const rows = await this.dataSource.query<ApiKeyRow[]>(
      after === null
        ? `SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id LIMIT $1`
        : `SELECT ${COLUMNS} FROM api_keys WHERE (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $1`,
      after === null ? [limit] : [limit, after.createdAt, after.id],
    );
    return rows.map(toRecord);
  }

  /** Idempotent: a key revoked twice keeps its first revocation time. Null for an unknown id. */
  async revoke(id: string, at: Date): Promise<ApiKeyRecord | null> {
    const rows = await this.dataSource.query<[ApiKeyRow[], number]>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, at],
    );
    const updated = rows[0];
    return updated.length > 0 ? toRecord(updated[0]) : null;
  }

  /** Records use, at most once a minute per key whatever the number of API processes. */
  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = $2
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - interval '1 minute')`,
      [id, at],
    );
  }
}
