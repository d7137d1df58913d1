import { DataSource, QueryRunner } from 'typeorm';

/**
 * One database snapshot for a whole export (SPEC §7). A zip evaluates the period several times
 * (summary, occurrences, results, OSCAL, PDF); without a common snapshot a result arriving in
 * between (a late result of the period) would make the summary disagree with the occurrences
 * or the results, and `vigil verify` would rightly refuse the bundle. The snapshot is a
 * REPEATABLE READ, READ ONLY transaction held open for the export; the effectiveness queries
 * run inside it (through `dataSource()`), and the results stream joins it with
 * `SET TRANSACTION SNAPSHOT` on its own connection.
 */
export class ExportSnapshot {
  private runner: QueryRunner | undefined;
  private opening: Promise<string> | undefined;
  private closed = false;

  constructor(private readonly base: DataSource) {}

  /** The exported snapshot id, opening the transaction on first use. */
  id(): Promise<string> {
    return (this.opening ??= this.begin());
  }

  /**
   * A DataSource whose `query` runs inside the snapshot, for the query classes that take one
   * (they read with `dataSource.query` only). Everything else is the real DataSource.
   */
  dataSource(): DataSource {
    const facade = Object.create(this.base) as DataSource;
    Object.defineProperty(facade, 'query', {
      value: async (sql: string, parameters?: unknown[]): Promise<unknown> => {
        await this.id();
        return (this.runner as QueryRunner).query(sql, parameters);
      },
    });
    return facade;
  }

  /** Ends the transaction and returns its connection; safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.opening) return;
    try {
      await this.opening;
      await this.runner?.query('COMMIT');
    } catch {
      // The transaction is read only: nothing to keep if ending it fails.
    } finally {
      await this.runner?.release();
    }
  }

  private async begin(): Promise<string> {
    if (this.closed) throw new Error('the export snapshot is closed');
    const runner = this.base.createQueryRunner();
    this.runner = runner;
    await runner.connect();
    await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const rows = (await runner.query('SELECT pg_export_snapshot() AS id')) as Array<{ id: string }>;
    return rows[0].id;
  }
}
