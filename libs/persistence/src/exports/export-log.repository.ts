import { DataSource } from 'typeorm';

export type ExportStatus = 'started' | 'completed' | 'failed' | 'aborted';

export interface NewExportLogEntry {
  keyId: string | null;
  keyName: string | null;
  role: string;
  format: string;
  table: string | null;
  parameters: Record<string, unknown>;
}

export interface ExportOutcome {
  status: Exclude<ExportStatus, 'started'>;
  /** Zip: SHA-256 of manifest.json; other formats: SHA-256 of the delivered file. */
  sha256: string | null;
  bytes: number | null;
  rowCounts: Record<string, number> | null;
  error: string | null;
}

export interface ExportLogEntry extends NewExportLogEntry, Omit<ExportOutcome, 'status'> {
  id: string;
  requestedAt: Date;
  completedAt: Date | null;
  status: ExportStatus;
}

interface ExportLogRow {
  id: string;
  requested_at: Date;
  completed_at: Date | null;
  key_id: string | null;
  key_name: string | null;
  role: string;
  format: string;
  export_table: string | null;
  parameters: Record<string, unknown>;
  status: ExportStatus;
  sha256: string | null;
  bytes: string | null;
  row_counts: Record<string, number> | null;
  error: string | null;
}

/** Every auditor export, newest first (SPEC §7: logged and listable by admins). */
export class ExportLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async recordStarted(entry: NewExportLogEntry): Promise<string> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO export_log (key_id, key_name, role, format, export_table, parameters)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id`,
      [
        entry.keyId,
        entry.keyName,
        entry.role,
        entry.format,
        entry.table,
        JSON.stringify(entry.parameters),
      ],
    );
    return rows[0].id;
  }

  async recordFinished(id: string, outcome: ExportOutcome): Promise<void> {
    await this.dataSource.query(
      `UPDATE export_log
          SET status = $2, completed_at = now(), sha256 = $3, bytes = $4, row_counts = $5, error = $6
        WHERE id = $1 AND status = 'started'`,
      [
        id,
        outcome.status,
        outcome.sha256,
        outcome.bytes,
        outcome.rowCounts === null ? null : JSON.stringify(outcome.rowCounts),
        outcome.error,
      ],
    );
  }

  /** A page of the log, newest first (ids grow with time); `afterId` is the last id seen. */
  async listExports(limit: number, afterId: string | null): Promise<ExportLogEntry[]> {
    const rows = await this.dataSource.query<ExportLogRow[]>(
      `SELECT id, requested_at, completed_at, key_id, key_name, role, format, export_table, parameters,
              status, sha256, bytes, row_counts, error
         FROM export_log
        WHERE $1::bigint IS NULL OR id < $1::bigint
        ORDER BY id DESC
        LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((row) => ({
      id: String(row.id),
      requestedAt: row.requested_at,
      completedAt: row.completed_at,
      keyId: row.key_id,
      keyName: row.key_name,
      role: row.role,
      format: row.format,
      table: row.export_table,
      parameters: row.parameters,
      status: row.status,
      sha256: row.sha256,
      bytes: row.bytes === null ? null : Number(row.bytes),
      rowCounts: row.row_counts,
      error: row.error,
    }));
  }
}
