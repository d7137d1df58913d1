import { Readable, Transform, TransformCallback } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';

/** The results of an export: `[from, to)` by event time, some services or all. */
export interface ResultsPeriod {
  from: Date;
  to: Date;
  /** `null` for every service. */
  serviceIds: string[] | null;
  /** Read in this exported snapshot (`ExportSnapshot`), so the rows agree with the rest of the export. */
  snapshotId?: string;
}

/** A stream of export rows and the number of data rows it has delivered so far. */
export interface ResultRowStream {
  stream: Readable;
  readonly rows: () => number;
}

/**
 * RFC 3339 UTC from PostgreSQL's own timestamp output (the session runs with TimeZone UTC and
 * DateStyle ISO: `2026-03-01 10:00:00.25+00` → `2026-03-01T10:00:00.25Z`). Fractional seconds
 * appear only when non-zero, at PostgreSQL's microsecond precision, never rounded. Twice as
 * cheap as `to_char`, which was a third of the COPY's server time.
 */
const rfc3339 = (column: string) => `replace(replace(${column}::text, ' ', 'T'), '+00', 'Z')`;

/**
 * Every column of `results` under the export's names (libs/contracts RESULT_COLUMNS), values
 * as text so the CSV and JSON writers do not reinterpret them: times RFC 3339 UTC (`rfc3339`),
 * booleans `true`/`false`, jsonb as its canonical text.
 */
const CSV_SELECT = `
  seq,
  source,
  event_id AS "eventId",
  service_id AS service,
  control_id AS control,
  outcome,
  ${rfc3339('time')} AS time,
  ${rfc3339('received_at')} AS "receivedAt",
  late::text AS late,
  evidence::text AS evidence,
  test::text AS test,
  details::text AS details,
  event_sha256 AS "eventSha256",
  kafka_topic AS "kafkaTopic",
  kafka_partition AS "kafkaPartition",
  kafka_offset AS "kafkaOffset"`;

const JSON_SELECT = `json_build_object(
  'seq', seq::text,
  'source', source,
  'eventId', event_id,
  'service', service_id,
  'control', control_id,
  'outcome', outcome,
  'time', ${rfc3339('time')},
  'receivedAt', ${rfc3339('received_at')},
  'late', late,
  'evidence', evidence,
  'test', test,
  'details', details,
  'eventSha256', event_sha256,
  'kafkaTopic', kafka_topic,
  'kafkaPartition', kafka_partition,
  'kafkaOffset', kafka_offset)::text AS row`;

/** The primary key order: the export's rows come in index order, no sort, first row at once. */
const ORDER = `ORDER BY service_id, control_id, time, seq`;

/**
 * The full population of raw results of a period (SPEC §7), streamed from the database: COPY
 * for CSV (PostgreSQL writes the CSV, Node only fixes line ends), a cursor for JSON. Memory
 * stays flat whatever the period's size; destroying the returned stream (the client went
 * away) discards the connection, which ends the query on the server.
 */
export class ExportResultsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** RFC 4180 CSV with a header row (RESULT_COLUMNS) and CRLF line ends. */
  async streamResultsCsv(period: ResultsPeriod): Promise<ResultRowStream> {
    const client = await this.connectForStreaming(period.snapshotId);
    const where = periodCondition(client, period);
    const copy = client.query(
      copyTo(
        `COPY (SELECT ${CSV_SELECT} FROM results WHERE ${where} ${ORDER}) TO STDOUT WITH (FORMAT csv, HEADER true)`,
      ),
    );
    const crlf = new CrlfRecords();
    attachClient(client, copy, crlf, period.snapshotId !== undefined);
    copy.pipe(crlf);
    return { stream: crlf, rows: () => Math.max(0, crlf.records - 1) };
  }

  /** One JSON object text per row (no separators), in export order. */
  async streamResultsJson(period: ResultsPeriod): Promise<ResultRowStream> {
    const client = await this.connectForStreaming(period.snapshotId);
    const where = periodCondition(client, period);
    const query = client.query(
      new QueryStream(`SELECT ${JSON_SELECT} FROM results WHERE ${where} ${ORDER}`, [], {
        batchSize: 2000,
        rowMode: 'array',
      }),
    );
    let rows = 0;
    const texts = new Transform({
      writableObjectMode: true,
      readableObjectMode: true,
      transform(row: [string], _encoding, callback) {
        rows++;
        callback(null, row[0]);
      },
    });
    attachClient(client, query, texts, period.snapshotId !== undefined);
    query.pipe(texts);
    return { stream: texts, rows: () => rows };
  }

  /** Results of the period, for the export's row counts and for tests. */
  async countResults(period: ResultsPeriod): Promise<number> {
    const client = await this.pool().connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM results WHERE ${periodCondition(client, period)}`,
      );
      return Number(rows[0].n);
    } finally {
      client.release();
    }
  }

  /**
   * A connection set up to stream in primary-key order: with sorting disabled the planner walks
   * the primary key index (first row at once) instead of sorting the whole period first, and
   * JIT compilation would only delay the first row; UTC and ISO output make `rfc3339` exact.
   * `attachClient` resets them before the connection goes back to the pool.
   */
  private async connectForStreaming(snapshotId: string | undefined): Promise<PoolClient> {
    const client = await this.pool().connect();
    try {
      if (snapshotId !== undefined) {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await client.query(`SET TRANSACTION SNAPSHOT ${client.escapeLiteral(snapshotId)}`);
      }
      await client.query(
        `SET enable_sort = off; SET jit = off; SET TimeZone = 'UTC'; SET DateStyle = 'ISO'`,
      );
      return client;
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }
}

/**
 * COPY takes no bind parameters, so the period is written as literals: the bounds come from
 * `Date.toISOString()` and service ids are escaped by the driver.
 */
function periodCondition(client: PoolClient, period: ResultsPeriod): string {
  const bounds = `time >= ${client.escapeLiteral(period.from.toISOString())}::timestamptz AND time < ${client.escapeLiteral(period.to.toISOString())}::timestamptz`;
  if (period.serviceIds === null) return bounds;
  if (period.serviceIds.length === 0) return 'false';
  const ids = period.serviceIds.map((id) => client.escapeLiteral(id)).join(', ');
  return `${bounds} AND service_id = ANY(ARRAY[${ids}]::text[])`;
}

/**
 * Returns the connection to the pool when the rows are all read, and discards it when the
 * stream fails or is destroyed early: a connection abandoned mid-COPY or mid-cursor cannot be
 * reused, and closing it makes PostgreSQL stop the query.
 */
function attachClient(
  client: PoolClient,
  source: Readable,
  output: Readable,
  inTransaction: boolean,
): void {
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
  };
  source.on('end', () => {
    if (released) return;
    released = true;
    client
      .query(
        `${inTransaction ? 'COMMIT; ' : ''}RESET enable_sort; RESET jit; RESET TimeZone; RESET DateStyle`,
      )
      .then(() => client.release())
      .catch((error: Error) => client.release(error));
  });
  source.on('error', (error: Error) => {
    release(error);
    output.destroy(error);
  });
  output.on('close', () => {
    if (!source.readableEnded) {
      source.destroy();
      release(new Error('export stream closed before its end'));
    }
  });
}

const QUOTE = 0x22;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');

/**
 * PostgreSQL's CSV ends records with LF; RFC 4180 wants CRLF. Rewrites record ends only (an
 * LF inside a quoted field is data and stays as is) and counts records as they pass. Quotes
 * inside quoted fields are doubled, so quote parity tells whether a byte is inside a field.
 */
class CrlfRecords extends Transform {
  records = 0;
  private inQuotes = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const parts: Buffer[] = [];
    let start = 0;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.inQuotes) {
        const quote = chunk.indexOf(QUOTE, pos);
        if (quote < 0) break;
        this.inQuotes = false;
        pos = quote + 1;
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      const quote = chunk.indexOf(QUOTE, pos);
      if (lf < 0 && quote < 0) break;
      if (quote >= 0 && (lf < 0 || quote < lf)) {
        this.inQuotes = true;
        pos = quote + 1;
        continue;
      }
      parts.push(chunk.subarray(start, lf), CRLF);
      this.records++;
      start = lf + 1;
      pos = start;
    }
    if (start === 0) {
      callback(null, chunk);
      return;
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
    callback(null, Buffer.concat(parts));
  }
}
