import { OUTCOME_CODES, resultPointsOf, type ResultPoint } from '@vigil/domain';
import type { ClientBase, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { COLUMN_CODE_OF_LETTER, ResultColumnsBuilder } from './result-columns';

/**
 * Result packs (see the ResultPacks migration): one (service, control, month)'s results before
 * `covered_until` as 9 bytes each — int64 microseconds since the epoch, big-endian, then the
 * outcome letter (`p f e n`, upper case when late) — in (time, seq) order, the order the engine
 * reads them in.
 */
export const PACK_RECORD_BYTES = 9;

/**
 * Advisory lock class (first key of `pg_advisory_xact_lock(int, int)`) of a month's packs; the
 * second key is the month ({@link monthKey}). The packer holds it exclusively while it reads a
 * month's results and writes its packs; ingest holds it shared while it invalidates packs, so a
 * result is either read by the packer or invalidates the pack it built, never neither.
 */
export const PACK_LOCK_CLASS = 0x5650_4b31; // 'VPK1'

/** The UTC month of an instant, as the first instant of the month (ms). */
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The first instant of the month after the one `monthStartMs` begins. */
export function nextMonthStart(monthStartMs: number): number {
  const d = new Date(monthStartMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** The month as the lock's second key: months since year 0 (fits an int4). */
export function monthKey(monthStartMs: number): number {
  const d = new Date(monthStartMs);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** `YYYY-MM-DD` of a UTC month start, as a `date` parameter. */
export function monthDate(monthStartMs: number): string {
  return new Date(monthStartMs).toISOString().slice(0, 10);
}

/** The time (ms) of a pack's `index`-th record: microseconds / 1000. */
function timeAt(view: DataView, index: number): number {
  const offset = index * PACK_RECORD_BYTES;
  // High word signed, low word unsigned: exact for any |µs| < 2^53.
  return (view.getInt32(offset) * 4_294_967_296 + view.getUint32(offset + 4)) / 1000;
}

function viewOf(data: Buffer): DataView {
  if (data.length % PACK_RECORD_BYTES !== 0) {
    throw new Error(`a result pack of ${data.length} bytes is not a whole number of records`);
  }
  return new DataView(data.buffer, data.byteOffset, data.length);
}

function codeAt(view: DataView, index: number): number {
  const letter = view.getUint8(index * PACK_RECORD_BYTES + 8);
  const code = COLUMN_CODE_OF_LETTER[letter];
  if (code < 0) throw new Error(`unknown outcome code ${letter} in a result pack`);
  return code;
}

/** The index of the first record at or after `time` (binary search; records are in time order). */
function firstAtOrAfter(view: DataView, count: number, time: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeAt(view, mid) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Appends to `out` the results of a pack whose time is in `[from, until)`. The time is
 * microseconds / 1000, the same double the lean text path reads (`parseEpochSeconds`).
 */
export function unpackResults(
  data: Buffer,
  from: number,
  until: number,
  out: ResultColumnsBuilder,
): ResultColumnsBuilder {
  const view = viewOf(data);
  const count = data.length / PACK_RECORD_BYTES;
  for (let i = from === -Infinity ? 0 : firstAtOrAfter(view, count, from); i < count; i++) {
    const time = timeAt(view, i);
    if (time >= until) break;
    out.push(time, codeAt(view, i));
  }
  return out;
}

/** The results of a pack in `[from, until)` as points (for tests and tools). */
export function unpackPoints(data: Buffer, from = -Infinity, until = Infinity): ResultPoint[] {
  return resultPointsOf(unpackResults(data, from, until, new ResultColumnsBuilder()));
}

/** A result of a pack: its time and column code. */
interface PackedResult {
  time: number;
  code: number;
}

/**
 * The latest result before `before` in a pack, and the latest one that is not
 * `not_applicable` (each null when the pack has none), as the context SPEC §5.7 and §5.8 need.
 */
export function lastResultsBefore(
  data: Buffer,
  before: number,
): { any: PackedResult | null; applicable: PackedResult | null } {
  const view = viewOf(data);
  let i = firstAtOrAfter(view, data.length / PACK_RECORD_BYTES, before) - 1;
  const any = i >= 0 ? { time: timeAt(view, i), code: codeAt(view, i) } : null;
  if (any !== null && (any.code & 3) !== NOT_APPLICABLE) return { any, applicable: any };
  for (i--; i >= 0; i--) {
    const code = codeAt(view, i);
    if ((code & 3) !== NOT_APPLICABLE) return { any, applicable: { time: timeAt(view, i), code } };
  }
  return { any, applicable: null };
}

const NOT_APPLICABLE = OUTCOME_CODES.not_applicable;

/**
 * Room for what {@link walkPacks} gathers from these packs: their results from `from`'s month
 * on, the context, and the results after the packs (today's, read from `results`).
 */
export function walkCapacity(packs: readonly StoredPack[], from: number): number {
  const fromMonth = monthStart(from);
  let capacity = 64;
  for (const pack of packs) {
    if (pack.month >= fromMonth && pack.data) capacity += pack.data.length / PACK_RECORD_BYTES;
  }
  return capacity;
}

/**
 * A pair's results for the window `[from, to)` from its packs (ordered by month, from the
 * month before `from`'s on), as far as the packs reach without a gap: a month without a pack,
 * an invalidated pack, or a pack covering only part of its month ends the walk.
 *
 * `results` holds, in order, the context — the latest result before `from` and the latest
 * non-`not_applicable` one (once when they are the same) — then the window's results in
 * `[from, rawFrom)`; the rest of the window is in `results`. `withContext` is false when the
 * packs cannot tell the context (no valid pack of `from`'s month reaching `from`, or one of the
 * two results in neither that month nor a whole pack of the month before): then `results`
 * starts at the window and the context must be read from the table.
 */
export function walkPacks(
  packs: readonly StoredPack[],
  from: number,
  to: number,
  results = new ResultColumnsBuilder(walkCapacity(packs, from)),
): { results: ResultColumnsBuilder; withContext: boolean; rawFrom: number } {
  const fromMonth = monthStart(from);
  const current = packs.find((p) => p.month === fromMonth);
  if (current === undefined || current.data === null || current.coveredUntil < from) {
    return { results, withContext: false, rawFrom: from };
  }
  let { any, applicable } = lastResultsBefore(current.data, from);
  if (any === null || applicable === null) {
    const previous = packs.find((p) => nextMonthStart(p.month) === fromMonth);
    if (previous?.data && previous.coveredUntil === fromMonth) {
      const earlier = lastResultsBefore(previous.data, fromMonth);
      any ??= earlier.any;
      applicable ??= earlier.applicable;
    }
  }
  const withContext = any !== null && applicable !== null;
  if (any !== null && applicable !== null) {
    if (applicable !== any) results.push(applicable.time, applicable.code);
    results.push(any.time, any.code);
  }

  let cursor = from;
  for (const pack of packs) {
    if (pack.month < fromMonth) continue;
    if (cursor >= to) break;
    if (pack.data === null || pack.month > cursor || pack.coveredUntil <= cursor) break;
    unpackResults(pack.data, cursor, Math.min(pack.coveredUntil, to), results);
    cursor = pack.coveredUntil;
    if (cursor < nextMonthStart(pack.month)) break;
  }
  return { results, withContext, rawFrom: Math.min(cursor, to) };
}

/** The inverse of {@link unpackResults}, for tests and tools. */
export function packResults(
  results: ReadonlyArray<Omit<ResultPoint, 'id' | 'evidenceUri'>>,
): Buffer {
  const data = Buffer.alloc(results.length * PACK_RECORD_BYTES);
  results.forEach((r, i) => {
    const micros = Math.round(r.time * 1000);
    const offset = i * PACK_RECORD_BYTES;
    data.writeInt32BE(Math.floor(micros / 4_294_967_296), offset);
    data.writeUInt32BE((micros % 4_294_967_296) >>> 0, offset + 4);
    const letter = { pass: 'p', fail: 'f', error: 'e', not_applicable: 'n' }[r.outcome];
    data[offset + 8] = (r.late ? letter.toUpperCase() : letter).charCodeAt(0);
  });
  return data;
}

const COPY_BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Reads the rows (ord, month, covered_until, data) of `findPacks`' COPY in PostgreSQL's binary
 * format (a signature, flags, a header extension; per row a field count, then per field its
 * byte length, -1 for NULL, and its bytes; a count of -1 ends it) onto `out[ord - 1]`. The
 * packs' data are views of `buffer`.
 */
export function readBinaryPacks(buffer: Buffer, out: StoredPack[][]): void {
  if (buffer.length < 19 || !buffer.subarray(0, 11).equals(COPY_BINARY_SIGNATURE)) {
    throw new Error('result packs: the COPY answer is not in PostgreSQL binary format');
  }
  let pos = 15;
  pos += 4 + buffer.readInt32BE(pos);
  const int8 = () => {
    if (buffer.readInt32BE(pos) !== 8) throw new Error('result packs: expected an int8 field');
    const value = Number(buffer.readBigInt64BE(pos + 4));
    pos += 12;
    return value;
  };
  for (;;) {
    const fields = buffer.readInt16BE(pos);
    pos += 2;
    if (fields === -1) return;
    if (fields !== 4) throw new Error(`result packs: expected 4 fields per row, got ${fields}`);
    const ord = int8();
    const month = int8();
    const coveredUntil = int8();
    const length = buffer.readInt32BE(pos);
    pos += 4;
    const data = length < 0 ? null : buffer.subarray(pos, pos + length);
    if (length > 0) pos += length;
    out[ord - 1].push({ month, coveredUntil, data });
  }
}

/** Results read from the end of a pack that serves only as a window's context. */
export const CONTEXT_TAIL_RESULTS = 64;

/** One pack as the query path reads it. */
export interface StoredPack {
  month: number;
  coveredUntil: number;
  /** Null when invalidated by a late result: read `results` instead until it is packed again. */
  data: Buffer | null;
}

/**
 * The pack aggregate over `results r` in (time, seq) order. `extract(epoch …)` is numeric, so
 * `× 10^6` is the exact microsecond; an outcome outside the four gives `?`, which the reader
 * refuses rather than skipping a result.
 */
const PACK_AGGREGATE = `
  string_agg(
    int8send((extract(epoch FROM r.time) * 1000000)::int8) ||
    CASE r.outcome
      WHEN 'pass' THEN CASE WHEN r.late THEN '\\x50' ELSE '\\x70' END
      WHEN 'fail' THEN CASE WHEN r.late THEN '\\x46' ELSE '\\x66' END
      WHEN 'error' THEN CASE WHEN r.late THEN '\\x45' ELSE '\\x65' END
      WHEN 'not_applicable' THEN CASE WHEN r.late THEN '\\x4e' ELSE '\\x6e' END
      ELSE '\\x3f' END::bytea,
    ''::bytea ORDER BY r.time, r.seq)`;

export interface PackRunReport {
  /** Months whose packs were (re)built for every pair, with the time each took. */
  months: Array<{
    month: string;
    until: string;
    /** Packs written, and the results read for them. */
    packs: number;
    results: number;
    /** Whether the month was extended from where it was packed, rather than packed whole. */
    extended: boolean;
    ms: number;
  }>;
  /** Packs rebuilt after a late result invalidated them. */
  repacked: number;
}

/**
 * Builds and repairs result packs (the evaluator's job; see the ResultPacks migration). Every
 * write happens under the month's exclusive advisory lock, one transaction per month.
 */
export class ResultPackRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Packs every month of `results` (its monthly partitions) up to `horizon` (a UTC day
   * boundary: the start of today) that is not packed that far yet, then repacks the
   * invalidated packs of every month.
   */
  async packUntil(
    horizon: Date,
    onMonth?: (m: PackRunReport['months'][number]) => void,
  ): Promise<PackRunReport> {
    const report: PackRunReport = { months: [], repacked: 0 };
    const partitions = await this.dataSource.query<Array<{ name: string }>>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'results'::regclass`,
    );
    // The monthly partitions of results (results_yYYYYmMM), oldest first.
    const months = partitions
      .map((p) => /^results_y(\d{4})m(\d{2})$/.exec(p.name))
      .flatMap((match) => (match ? [Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)] : []))
      .sort((a, b) => a - b);
    const packed = new Map(
      (
        await this.dataSource.query<Array<{ month: string; packed_until: Date }>>(
          `SELECT to_char(month, 'YYYY-MM-DD') AS month, packed_until FROM result_pack_months`,
        )
      ).map((row) => [row.month, row.packed_until.getTime()]),
    );
    const end = horizon.getTime();
    for (const m of months) {
      if (m >= end) break;
      const until = Math.min(nextMonthStart(m), end);
      if ((packed.get(monthDate(m)) ?? 0) >= until) continue;
      const started = performance.now();
      const counts = await this.packMonth(m, until);
      const entry = {
        month: monthDate(m),
        until: new Date(until).toISOString(),
        ...counts,
        ms: Math.round(performance.now() - started),
      };
      report.months.push(entry);
      onMonth?.(entry);
    }
    report.repacked = await this.repackInvalidated();
    return report;
  }

  /**
   * Packs `[month, until)` for every pair with results there, in one transaction. A month
   * already packed up to some instant is extended from there: only the new days' results are
   * read and appended (they all come after the packed ones), so the daily run over the current
   * month holds its lock for a day's results, not the month's.
   */
  async packMonth(
    month: number,
    until: number,
  ): Promise<{ packs: number; results: number; extended: boolean }> {
    return this.inMonthTransaction(month, async (client) => {
      const { rows } = await client.query<{ packed_until: Date }>(
        `INSERT INTO result_pack_months (month, horizon, packed_until)
         VALUES ($1::date, $2, $1::date::timestamp AT TIME ZONE 'UTC')
         ON CONFLICT (month) DO UPDATE SET horizon = GREATEST(result_pack_months.horizon, excluded.horizon)
         RETURNING packed_until`,
        [monthDate(month), new Date(until)],
      );
      const packedUntil = rows[0].packed_until.getTime();
      const extend = packedUntil > month && packedUntil < until;
      if (extend) {
        // Every valid pack of the month covers [month, packedUntil): it now covers the new
        // days too, with their results appended below (most pairs have some).
        await client.query(
          `UPDATE result_packs SET covered_until = $3
            WHERE month = $1::date AND covered_until = $2 AND data IS NOT NULL`,
          [monthDate(month), new Date(packedUntil), new Date(until)],
        );
      }
      const packed = await client.query<{ packs: string; results: string | null }>(
        `WITH agg AS (
           SELECT r.service_id, r.control_id, count(*) AS n, ${PACK_AGGREGATE} AS data
             FROM results r
            WHERE r.time >= $2 AND r.time < $3
            GROUP BY r.service_id, r.control_id
         ), packed AS (
           INSERT INTO result_packs AS p (service_id, control_id, month, covered_until, result_count, data)
           SELECT service_id, control_id, $1::date, $3, n, data FROM agg
           ON CONFLICT (service_id, control_id, month) DO UPDATE SET ${
             extend
               ? // A pack that did not cover exactly [month, packedUntil) (invalidated, or
                 // short) becomes invalid: the repair below rebuilds it whole.
                 `data = CASE WHEN p.covered_until = $3 AND p.data IS NOT NULL
                              THEN p.data || excluded.data END,
                  result_count = CASE WHEN p.covered_until = $3 AND p.data IS NOT NULL
                                      THEN p.result_count + excluded.result_count ELSE 0 END,
                  covered_until = GREATEST(p.covered_until, excluded.covered_until)`
               : `covered_until = excluded.covered_until, result_count = excluded.result_count,
                  data = excluded.data`
           }, packed_at = now()
           RETURNING 1)
         SELECT (SELECT count(*) FROM packed) AS packs, (SELECT sum(n) FROM agg) AS results`,
        [monthDate(month), new Date(extend ? packedUntil : month), new Date(until)],
      );
      await client.query(
        `UPDATE result_pack_months SET packed_until = GREATEST(packed_until, $2) WHERE month = $1::date`,
        [monthDate(month), new Date(until)],
      );
      return {
        packs: Number(packed.rows[0]?.packs ?? 0),
        results: Number(packed.rows[0]?.results ?? 0),
        extended: extend,
      };
    });
  }

  /** Rebuilds the packs ingest invalidated, each up to its own `covered_until`. */
  async repackInvalidated(): Promise<number> {
    const months = await this.dataSource.query<Array<{ month: string }>>(
      `SELECT DISTINCT to_char(month, 'YYYY-MM-DD') AS month FROM result_packs WHERE data IS NULL ORDER BY 1`,
    );
    let repacked = 0;
    for (const { month } of months) {
      const m = Date.parse(`${month}T00:00:00Z`);
      repacked += await this.inMonthTransaction(m, async (client) => {
        const result = await client.query(
          `INSERT INTO result_packs AS p (service_id, control_id, month, covered_until, result_count, data)
           SELECT i.service_id, i.control_id, i.month, i.covered_until, count(r.seq),
                  coalesce(${PACK_AGGREGATE}, ''::bytea)
             FROM result_packs i
             LEFT JOIN results r ON r.service_id = i.service_id AND r.control_id = i.control_id
                  AND r.time >= $2 AND r.time < $3 AND r.time < i.covered_until
            WHERE i.month = $1::date AND i.data IS NULL
            GROUP BY i.service_id, i.control_id, i.month, i.covered_until
           ON CONFLICT (service_id, control_id, month) DO UPDATE SET
             result_count = excluded.result_count, data = excluded.data, packed_at = now()`,
          [month, new Date(m), new Date(nextMonthStart(m))],
        );
        return result.rowCount ?? 0;
      });
    }
    return repacked;
  }

  /**
   * The packs of these pairs for the months `fromMonth` to `toMonth`, per pair in month order.
   * Packs of months before `tailBefore` are read as their last {@link CONTEXT_TAIL_RESULTS}
   * results only: the query path needs no more of the month before a window than the context
   * (the latest result and the latest applicable one), and a whole month of an hourly pair is a
   * quarter of what a 90-day window reads. A tail without an applicable result makes
   * {@link walkPacks} report no context, and the context is read from `results` instead.
   */
  async findPacks(
    pairs: ReadonlyArray<{ serviceId: string; controlId: string }>,
    fromMonth: number,
    toMonth: number,
    tailBefore: number | null = null,
  ): Promise<StoredPack[][]> {
    const out: StoredPack[][] = pairs.map(() => []);
    if (pairs.length === 0) return out;
    // COPY in binary format: the packs' bytes come as they are stored, where a query's text
    // answer would encode them (base64: PostgreSQL's CPU to encode, a third more bytes, Node's
    // to decode). COPY takes no parameters, so the values are written as escaped literals.
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      const literals = (values: string[]) =>
        `ARRAY[${values.map((v) => client.escapeLiteral(v)).join(',')}]::text[]`;
      const sql = `COPY (
        SELECT p.ord, (extract(epoch FROM k.month) * 1000)::int8 AS month,
               (extract(epoch FROM k.covered_until) * 1000)::int8 AS covered_until,
               CASE WHEN k.month < ${tailBefore === null ? 'NULL' : `DATE '${monthDate(tailBefore)}'`}
                    THEN substring(k.data FROM greatest(1, octet_length(k.data) - ${
                      CONTEXT_TAIL_RESULTS * PACK_RECORD_BYTES
                    } + 1))
                    ELSE k.data END AS data
          FROM unnest(${literals(pairs.map((p) => p.serviceId))}, ${literals(
            pairs.map((p) => p.controlId),
          )}) WITH ORDINALITY AS p(service_id, control_id, ord)
          JOIN result_packs k ON k.service_id = p.service_id AND k.control_id = p.control_id
               AND k.month >= DATE '${monthDate(fromMonth)}' AND k.month <= DATE '${monthDate(toMonth)}'
         ORDER BY p.ord, k.month) TO STDOUT (FORMAT binary)`;
      const chunks: Buffer[] = [];
      for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
      readBinaryPacks(Buffer.concat(chunks), out);
    } finally {
      await runner.release();
    }
    return out;
  }

  private async inMonthTransaction<T>(
    month: number,
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock($1, $2)`, [
        PACK_LOCK_CLASS,
        monthKey(month),
      ]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}

/** The months (UTC month starts, ascending, once each) of these instants. */
export function packMonthsOf(times: Iterable<Date>): number[] {
  const months = new Set<number>();
  for (const time of times) months.add(monthStart(time.getTime()));
  return [...months].sort((a, b) => a - b);
}

/**
 * An expression taking the pack locks of the months in parameter `months` (int[] of monthKey)
 * shared, in order; parameter `lockClass` is PACK_LOCK_CLASS.
 */
export function lockPackMonthsSql(lockClass: string, months: string): string {
  return `(SELECT count(pg_advisory_xact_lock_shared(${lockClass}, k))
    FROM (SELECT unnest(${months}::int[]) AS k ORDER BY 1) s)`;
}

/**
 * An expression giving the pack horizons of the months in parameter `months` (date[]) as one
 * JSON text `{"<month, epoch ms>": <horizon, epoch ms>}`, null when none. Must run in a
 * statement after the one taking the month locks, to see what a packer holding one committed.
 */
export function packHorizonsSql(months: string): string {
  return `(SELECT json_object_agg(
      (extract(epoch FROM month) * 1000)::int8, (extract(epoch FROM horizon) * 1000)::int8
    )::text FROM result_pack_months WHERE month = ANY(${months}::date[]))`;
}

/** Reads {@link packHorizonsSql}'s JSON: month start (ms) → horizon (ms). */
export function parsePackHorizons(json: string | null): Map<number, number> {
  const out = new Map<number, number>();
  if (json === null) return out;
  for (const [month, horizon] of Object.entries(JSON.parse(json) as Record<string, number>)) {
    out.set(Number(month), horizon);
  }
  return out;
}

/**
 * In an ingest transaction that stores `rows`: invalidates the packs that should hold one of
 * them (a result older than its month's pack horizon, i.e. late), or marks a pair's month for
 * packing when it had no pack yet. Takes each month's pack lock shared first, so the packer
 * either sees these results or its packs are invalidated here after it commits.
 */
export async function invalidateResultPacks(
  client: ClientBase,
  rows: ReadonlyArray<{ serviceId: string; controlId: string; time: Date }>,
  /** The horizons read after taking the month locks (ingest reads them with its offsets). */
  lockedHorizons?: ReadonlyMap<number, number>,
): Promise<number> {
  if (rows.length === 0) return 0;
  let horizons = lockedHorizons;
  if (horizons === undefined) {
    const months = packMonthsOf(rows.map((row) => row.time));
    await client.query(`SELECT ${lockPackMonthsSql('$1', '$2')}`, [
      PACK_LOCK_CLASS,
      months.map(monthKey),
    ]);
    // Read after the locks: a packer that held one has committed, and its horizon is visible.
    horizons = parsePackHorizons(
      (
        await client.query<{ horizons: string | null }>(
          `SELECT ${packHorizonsSql('$1')} AS horizons`,
          [months.map(monthDate)],
        )
      ).rows[0]?.horizons ?? null,
    );
  }
  if (horizons.size === 0) return 0;
  const earliest = new Map<
    string,
    { serviceId: string; controlId: string; month: number; time: number }
  >();
  for (const row of rows) {
    const time = row.time.getTime();
    const month = monthStart(time);
    const horizon = horizons.get(month);
    if (horizon === undefined || time >= horizon) continue;
    const key = `${row.serviceId}\u0000${row.controlId}\u0000${month}`;
    const seen = earliest.get(key);
    if (seen === undefined) {
      earliest.set(key, { serviceId: row.serviceId, controlId: row.controlId, month, time });
    } else if (time < seen.time) {
      seen.time = time;
    }
  }
  if (earliest.size === 0) return 0;
  // Sorted, so concurrent ingest transactions lock pack rows in one order.
  const keys = [...earliest.values()].sort(
    (a, b) =>
      compare(a.serviceId, b.serviceId) || compare(a.controlId, b.controlId) || a.month - b.month,
  );
  const params = [
    keys.map((k) => k.serviceId),
    keys.map((k) => k.controlId),
    keys.map((k) => monthDate(k.month)),
    keys.map((k) => new Date(k.time)),
  ];
  const invalidated = await client.query(
    `UPDATE result_packs p SET data = NULL, result_count = 0
       FROM unnest($1::text[], $2::text[], $3::date[], $4::timestamptz[]) AS k(s, c, m, t)
      WHERE p.service_id = k.s AND p.control_id = k.c AND p.month = k.m
        AND p.covered_until > k.t AND p.data IS NOT NULL`,
    params,
  );
  // A pair without a pack in that month yet: a placeholder, so the packer packs it too.
  const marked = await client.query(
    `INSERT INTO result_packs (service_id, control_id, month, covered_until, result_count, data)
     SELECT k.s, k.c, k.m, h.horizon, 0, NULL
       FROM unnest($1::text[], $2::text[], $3::date[], $4::timestamptz[]) WITH ORDINALITY AS k(s, c, m, t, n)
       JOIN result_pack_months h ON h.month = k.m
      ORDER BY k.n
     ON CONFLICT (service_id, control_id, month) DO NOTHING`,
    params,
  );
  return (invalidated.rowCount ?? 0) + (marked.rowCount ?? 0);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
