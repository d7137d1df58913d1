import {
  evaluatePair,
  evaluatePairSummary,
  evaluatePairSummaryOfColumns,
  resultPointsOf,
  type ResultColumns,
  type Frequency,
  type Outcome,
  type PairEffectiveness,
  type ResultPoint,
  type SlotEvaluation,
} from '@vigil/domain';
import { DataSource } from 'typeorm';
import type { PairScope } from '../catalog/catalog.records';
import { CatalogRepository } from '../catalog/catalog.repository';
import { parseEpochSeconds } from './epoch-seconds';
import { COLUMN_CODE_OF_LETTER, ResultColumnsBuilder } from './result-columns';
import { ResultPackRepository, monthStart, walkCapacity, walkPacks } from './result-packs';
import { scopeIntervals, versionAt, type PairScopeSource } from './pair-scope';

/** One evaluated (service, control) pair: what the API, the evaluator and the exports show. */
export interface PairEvaluation {
  serviceId: string;
  controlId: string;
  control: {
    title: string;
    criteria: string[];
    frequency: Frequency;
    tolerableDeviationRate: number;
  };
  window: { from: Date; to: Date };
  asOf: Date;
  effectiveness: PairEffectiveness;
  slots?: SlotEvaluation[];
}

export interface EffectivenessQueryInput {
  from: Date;
  to: Date;
  now: Date;
  serviceIds?: string[];
  controlId?: string;
  criterionId?: string;
  withSlots?: boolean;
  /** Read result ids and evidence URIs for the slots (default: withSlots). */
  withEvidence?: boolean;
  /**
   * Also evaluate pairs assigned only outside the window (`not_in_scope`, SPEC §5.10), as the
   * one-pair endpoint does. By default only pairs with an assignment overlapping the window
   * are evaluated: the pairs SPEC §5.11 rolls up.
   */
  anyAssignment?: boolean;
}

/**
 * Pairs evaluated per SQL round trip: at least {@link MIN_CHUNK_PAIRS}, so that a service's pairs
 * still come in two chunks read side by side; a twentieth of the pairs beyond that, so that a
 * fleet's answer takes 20 round trips rather than 100 (each statement costs ~2 ms of planning
 * and socket writes here); at most {@link MAX_CHUNK_PAIRS}, which bounds memory when streaming.
 * Slots with evidence build an object per result: their chunks stay at the minimum.
 */
const MIN_CHUNK_PAIRS = 100;
const MAX_CHUNK_PAIRS = 500;

export function chunkPairs(pairs: number, withEvidence: boolean): number {
  if (withEvidence) return MIN_CHUNK_PAIRS;
  return Math.min(MAX_CHUNK_PAIRS, Math.max(MIN_CHUNK_PAIRS, Math.ceil(pairs / 20)));
}

/** Bounds of "any time" for assignments, within what PostgreSQL's timestamptz can hold. */
const EARLIEST = new Date('0001-01-01T00:00:00.000Z');
const LATEST = new Date('9999-12-31T23:59:59.999Z');

/** Chunk queries running while the caller evaluates a chunk (each on its own pooled connection). */
const CHUNKS_IN_FLIGHT = 2;

const OUTCOME_CODES: Record<string, Outcome> = {
  p: 'pass',
  f: 'fail',
  e: 'error',
  n: 'not_applicable',
};

interface PairResultsRow {
  ord: string;
  codes: string | null;
  times: string | null;
  ids: string | null;
  uris: string | null;
  ctx_codes: string | null;
  ctx_times: string | null;
  ctx_ids: string | null;
  ctx_uris: string | null;
}

const UNIT_SEPARATOR = '\u001f';

/**
 * The results of a chunk of pairs in one round trip: every result in `[raw_from, to]` (the
 * pair's `raw_from` is `from`, or where its result packs end) plus, unless the packs gave them
 * (`with_context` false), the latest result before `from` and the latest non-`not_applicable`
 * one before `from` (the context SPEC §5.7 and §5.8 need), each pair's list packed into
 * compact strings (one character per outcome, upper case when late) so a year of a service is
 * one small result set.
 */
function pairResultsSql(windowResults: string, withContext = true): string {
  // Without context the statement leaves out the two lookups before `from`: planning them over
  // every monthly partition costs more than running the rest (~5 ms against ~3 ms per chunk).
  const context = withContext
    ? `
  LEFT JOIN LATERAL (
    SELECT
      string_agg(CASE WHEN ctx.late THEN upper(left(ctx.outcome, 1)) ELSE left(ctx.outcome, 1) END, '' ORDER BY ctx.time, ctx.seq) AS codes,
      string_agg((extract(epoch FROM ctx.time) * 1000)::text, ',' ORDER BY ctx.time, ctx.seq) AS times,
      json_agg(ctx.event_id ORDER BY ctx.time, ctx.seq)::text AS ids,
      string_agg(coalesce(ctx.uri, ''), chr(31) ORDER BY ctx.time, ctx.seq) AS uris
    FROM ctx WHERE ctx.ord = p.ord
  ) c ON true`
    : `
  CROSS JOIN (SELECT NULL::text AS codes, NULL::text AS times, NULL::text AS ids, NULL::text AS uris
               WHERE $3::timestamptz IS NOT NULL) c`;
  return `
  WITH p AS (
    SELECT * FROM unnest($1::text[], $2::text[], $5::timestamptz[], $6::boolean[])
      WITH ORDINALITY AS p(service_id, control_id, raw_from, with_context, ord)
  )${
    withContext
      ? `,
  ctx AS (
    SELECT p.ord, c.*
    FROM (SELECT * FROM p WHERE p.with_context) p
    CROSS JOIN LATERAL (
      (SELECT r.seq, r.event_id, r.time, r.outcome, r.late, r.evidence->>'uri' AS uri FROM results r
        WHERE r.service_id = p.service_id AND r.control_id = p.control_id AND r.time < $3
        ORDER BY r.time DESC, r.seq DESC LIMIT 1)
      UNION
      (SELECT r.seq, r.event_id, r.time, r.outcome, r.late, r.evidence->>'uri' AS uri FROM results r
        WHERE r.service_id = p.service_id AND r.control_id = p.control_id AND r.time < $3
          AND r.outcome <> 'not_applicable'
        ORDER BY r.time DESC, r.seq DESC LIMIT 1)
    ) c
  )`
      : ''
  }
  SELECT p.ord,
    w.codes, w.times, w.ids, w.uris,
    c.codes AS ctx_codes, c.times AS ctx_times, c.ids AS ctx_ids, c.uris AS ctx_uris
  FROM p
  LEFT JOIN LATERAL (
${windowResults}
  ) w ON true${context}
  ORDER BY p.ord`;
}

// Aggregates are computed even inside a CASE, so the lean variant packs outcome and time into
// one list. Its time is `date_part`'s float8 epoch seconds, much cheaper to print than extract's
// numeric; see `parseEpochSeconds` for why it still gives the exact instant.
//
// Every list aggregates a subquery sorted by (time, seq) rather than sorting in the aggregate:
// PostgreSQL (before 16) sorts the input of each `agg(… ORDER BY …)` even when the rows arrive
// in order, whereas the subquery's ORDER BY is the primary key's order and costs no sort (the
// partitions are appended in time order); a subquery with ORDER BY keeps its own plan node,
// and its aggregate reads the rows in that order. An hourly pair's 90 days with evidence went
// from ~9 to ~5 ms of PostgreSQL time.
//
// The end is inclusive: a `pass` at exactly `to` (= asOf when the window has ended) ends a
// failure episode, "ended by asOf" (see `failureEpisodes`), and counts nowhere else. The packs
// give `[from, to)` (see walkPacks), so when they reach past `to`, raw_from is `to`.
const WINDOW_RESULTS_WHERE = `r.service_id = p.service_id AND r.control_id = p.control_id
             AND r.time >= p.raw_from AND r.time >= $7 AND r.time <= $4`;

function leanWindowResults(epochSeconds: string): string {
  return `
    SELECT string_agg(r.item, ',') AS codes, NULL::text AS times, NULL::text AS ids, NULL::text AS uris
    FROM (SELECT (CASE WHEN r.late THEN upper(left(r.outcome, 1)) ELSE left(r.outcome, 1) END)
                   || ${epochSeconds} AS item
            FROM results r
           WHERE ${WINDOW_RESULTS_WHERE}
           ORDER BY r.time, r.seq) r`;
}

const EVIDENCE_WINDOW_RESULTS = `
    SELECT string_agg(r.code, '') AS codes, string_agg(r.ms, ',') AS times,
           json_agg(r.event_id)::text AS ids, string_agg(r.uri, chr(31)) AS uris
    FROM (SELECT CASE WHEN r.late THEN upper(left(r.outcome, 1)) ELSE left(r.outcome, 1) END AS code,
                 (extract(epoch FROM r.time) * 1000)::text AS ms, r.event_id,
                 coalesce(r.evidence->>'uri', '') AS uri
            FROM results r
           WHERE ${WINDOW_RESULTS_WHERE}
           ORDER BY r.time, r.seq) r`;

const PAIR_RESULTS_SQL = {
  /** float8 seconds: exact only when the server prints floats shortest-exact (see below). */
  lean: pairResultsSql(leanWindowResults(`date_part('epoch', r.time)::text`)),
  /** numeric seconds with six decimals: exact whatever the settings, slower to print. */
  leanNumeric: pairResultsSql(leanWindowResults(`extract(epoch FROM r.time)::text`)),
  evidence: pairResultsSql(EVIDENCE_WINDOW_RESULTS),
};

/** The variants for chunks whose every context came from result packs. */
const PAIR_RESULTS_WITHOUT_CONTEXT_SQL = {
  lean: pairResultsSql(leanWindowResults(`date_part('epoch', r.time)::text`), false),
  leanNumeric: pairResultsSql(leanWindowResults(`extract(epoch FROM r.time)::text`), false),
  evidence: pairResultsSql(EVIDENCE_WINDOW_RESULTS, false),
};

/**
 * Unpacks the lean list `p1764403200.123456,F1764489600,…` (upper case = late) onto `out`,
 * scanning the string once with indexOf (no split, no per-item substring but the number).
 */
function unpackLean(items: string | null, out: ResultColumnsBuilder): ResultColumnsBuilder {
  if (!items) return out;
  const n = items.length;
  let pos = 0;
  while (pos < n) {
    let comma = items.indexOf(',', pos);
    if (comma < 0) comma = n;
    const letter = items.charCodeAt(pos);
    const code = letter < 256 ? COLUMN_CODE_OF_LETTER[letter] : -1;
    if (code < 0) throw new Error(`unknown result code in ${items.slice(pos, comma)}`);
    out.push(parseEpochSeconds(items, pos + 1, comma), code);
    pos = comma + 1;
  }
  return out;
}

function unpack(
  codes: string | null,
  times: string | null,
  ids: string | null,
  uris: string | null,
): ResultPoint[] {
  if (!codes || !times) return [];
  const timeList = times.split(',');
  // Ids and evidence are only read for slots; without them the list stays small. A slot's result
  // ids are the CloudEvent ids its producers sent (any string, hence JSON, not a separator).
  const idList = ids === null ? null : (JSON.parse(ids) as string[]);
  const uriList = uris === null ? null : uris.split(UNIT_SEPARATOR);
  const points: ResultPoint[] = new Array<ResultPoint>(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    const lower = code.toLowerCase();
    const uri = uriList?.[i];
    points[i] = {
      id: idList === null ? '' : idList[i],
      time: Number(timeList[i]),
      outcome: OUTCOME_CODES[lower],
      late: code !== lower,
      evidenceUri: uri ? uri : null,
    };
  }
  return points;
}

/**
 * Effectiveness of (service, control) pairs over a window (SPEC §5), computed by the pure
 * engine in `@vigil/domain` from the catalogue's scopes and the stored results. One SQL per
 * chunk of pairs, never one per pair.
 */
export class EffectivenessQuery {
  private readonly packs: ResultPackRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly scopes: PairScopeSource = new CatalogRepository(dataSource),
  ) {
    this.packs = new ResultPackRepository(dataSource);
  }

  async evaluatePairs(q: EffectivenessQueryInput): Promise<PairEvaluation[]> {
    const out: PairEvaluation[] = [];
    await this.forEachPair(q, async (pair) => {
      out.push(pair);
    });
    return out;
  }

  /** Streams pair by pair, ordered by (serviceId, controlId), for exports: constant memory. */
  async forEachPair(
    q: EffectivenessQueryInput,
    fn: (p: PairEvaluation) => Promise<void>,
  ): Promise<void> {
    const pairs = await this.findPairs(q);
    const withSlots = q.withSlots === true;
    const withEvidence = q.withEvidence ?? withSlots;
    for await (const { chunk, results } of this.chunks(pairs, q, withEvidence)) {
      for (let k = 0; k < chunk.length; k++) {
        const evaluation = evaluateOne(
          chunk[k],
          results[k],
          q,
          q.now,
          withSlots,
          q.anyAssignment === true,
        );
        if (evaluation) await fn(evaluation);
      }
    }
  }

  /**
   * Evaluates every pair over several windows ending at the same instant (the evaluator's
   * rolling windows) with one read of the results per chunk: the longest window's results
   * serve the shorter ones, since earlier results change nothing (see `evaluatePair`).
   * `fn` gets one entry per window, null where the pair is not in scope during that window.
   */
  async forEachPairInWindows(
    q: { windows: Array<{ from: Date; to: Date }>; now: Date },
    fn: (evaluations: Array<PairEvaluation | null>) => Promise<void>,
  ): Promise<void> {
    const to = q.windows[0]?.to;
    if (!to) return;
    if (q.windows.some((w) => w.to.getTime() !== to.getTime())) {
      throw new RangeError('forEachPairInWindows needs windows ending at the same instant');
    }
    const from = new Date(Math.min(...q.windows.map((w) => w.from.getTime())));
    const pairs = await this.findPairs({ from, to, now: q.now });
    for await (const { chunk, results } of this.chunks(pairs, { from, to }, false)) {
      for (let k = 0; k < chunk.length; k++) {
        await fn(
          q.windows.map((window) => evaluateOne(chunk[k], results[k], window, q.now, false)),
        );
      }
    }
  }

  private async findPairs(q: EffectivenessQueryInput): Promise<PairScope[]> {
    const pairs = await this.scopes.findPairScopes({
      // Every assignment of the pairs, whenever it was, when asked for pairs out of scope.
      from: q.anyAssignment === true ? EARLIEST : q.from,
      to: q.anyAssignment === true ? LATEST : q.to,
      serviceIds: q.serviceIds,
      controlId: q.controlId,
      criterionId: q.criterionId,
    });
    return pairs
      .filter((pair) => pair.versions.length > 0)
      .sort((a, b) => compare(a.serviceId, b.serviceId) || compare(a.controlId, b.controlId));
  }

  /**
   * The pairs in chunks with their results, the next chunks' queries running while the caller
   * evaluates this one: with {@link CHUNKS_IN_FLIGHT} queries on as many pooled connections,
   * PostgreSQL uses both cores while the engine works; memory stays a few chunks.
   */
  private async *chunks(
    pairs: PairScope[],
    window: { from: Date; to: Date },
    withEvidence: boolean,
  ): AsyncGenerator<{ chunk: PairScope[]; results: PairResults[] }> {
    const size = chunkPairs(pairs.length, withEvidence);
    const fetch = (i: number) => {
      const chunk = pairs.slice(i, i + size);
      const promise = this.fetchResults(chunk, window, withEvidence).then((results) => ({
        chunk,
        results,
      }));
      // Awaited below; this only keeps an abandoned prefetch from being an unhandled rejection.
      promise.catch(() => undefined);
      return promise;
    };
    const inFlight: Array<Promise<{ chunk: PairScope[]; results: PairResults[] }>> = [];
    let next = 0;
    while (next < pairs.length && inFlight.length < CHUNKS_IN_FLIGHT) {
      inFlight.push(fetch(next));
      next += size;
    }
    for (;;) {
      const current = inFlight.shift();
      if (current === undefined) return;
      const fetched = await current;
      if (next < pairs.length) {
        inFlight.push(fetch(next));
        next += size;
      }
      yield fetched;
    }
  }

  private shortestFloats: Promise<boolean> | null = null;

  /**
   * Whether PostgreSQL prints float8 as the shortest exact decimal (`extra_float_digits` ≥ 1,
   * the default since PostgreSQL 12); with 0 or less it rounds to 15 digits and loses the
   * microseconds of `date_part('epoch', …)`, so the numeric variant is read instead. Asked
   * once per instance (a server, database or role setting applies to every connection).
   */
  private printsShortestFloats(): Promise<boolean> {
    this.shortestFloats ??= this.dataSource
      .query<Array<{ digits: number }>>(
        `SELECT current_setting('extra_float_digits')::int AS digits`,
      )
      .then(
        (rows) => (rows[0]?.digits ?? 0) >= 1,
        (error: unknown) => {
          this.shortestFloats = null; // ask again next time
          throw error;
        },
      );
    return this.shortestFloats;
  }

  /**
   * Per pair of the chunk, in order: the context results, then those in the window. Without
   * evidence, the window's results come from the pairs' result packs as far as they reach and
   * from `results` after that (see {@link walkPacks}).
   */
  private async fetchResults(
    chunk: PairScope[],
    window: { from: Date; to: Date },
    withEvidence: boolean,
  ): Promise<PairResults[]> {
    const from = window.from.getTime();
    const to = window.to.getTime();
    let packed: Array<ReturnType<typeof walkPacks>> | null = null;
    if (to > from) {
      const fromMonth = monthStart(from);
      // With evidence (slots) the window's results come from `results`, for their ids and
      // evidence; the packs still give the context, which no slot holds (it is before `from`).
      const packs = await this.packs.findPacks(
        chunk,
        monthStart(fromMonth - 1), // the month before: the context of a window starting early
        withEvidence ? fromMonth : monthStart(to - 1),
        fromMonth,
      );
      if (withEvidence) {
        packed = packs.map((list) => walkPacks(list, from, from, new ResultColumnsBuilder(2)));
      } else {
        const builders = ResultColumnsBuilder.slices(packs.map((list) => walkCapacity(list, from)));
        packed = packs.map((list, k) => walkPacks(list, from, to, builders[k]));
      }
    }
    const variant = withEvidence
      ? 'evidence'
      : (await this.printsShortestFloats())
        ? 'lean'
        : 'leanNumeric';
    const rows = await this.dataSource.query<PairResultsRow[]>(
      packed?.every((p) => p.withContext)
        ? PAIR_RESULTS_WITHOUT_CONTEXT_SQL[variant]
        : PAIR_RESULTS_SQL[variant],
      [
        chunk.map((p) => p.serviceId),
        chunk.map((p) => p.controlId),
        window.from,
        window.to,
        packed?.map((p) => new Date(p.rawFrom)) ?? chunk.map(() => window.from),
        packed?.map((p) => !p.withContext) ?? chunk.map(() => true),
        // The earliest raw_from again, as a constant: it lets PostgreSQL skip the partitions
        // of the months before it (raw_from alone is only known per row).
        packed === null ? window.from : new Date(Math.min(...packed.map((p) => p.rawFrom))),
      ],
    );
    return rows.map((row, k): PairResults => {
      const fromPacks = packed?.[k];
      if (withEvidence) {
        const context = fromPacks?.withContext
          ? resultPointsOf(fromPacks.results)
          : unpack(row.ctx_codes, row.ctx_times, row.ctx_ids, row.ctx_uris);
        return context.concat(unpack(row.codes, row.times, row.ids, row.uris));
      }
      const context = unpack(row.ctx_codes, row.ctx_times, row.ctx_ids, row.ctx_uris);
      let results: ResultColumnsBuilder;
      if (fromPacks === undefined) {
        results = new ResultColumnsBuilder(256);
        for (const point of context) results.pushPoint(point);
      } else if (fromPacks.withContext) {
        results = fromPacks.results;
      } else {
        results = new ResultColumnsBuilder(context.length + fromPacks.results.length + 64);
        for (const point of context) results.pushPoint(point);
        results.append(fromPacks.results);
      }
      return unpackLean(row.codes, results);
    });
  }
}

/** A pair's results: points with ids and evidence (slots), or columns (rollups). */
type PairResults = ResultPoint[] | ResultColumns;

function overlaps(pair: PairScope, window: { from: Date; to: Date }): boolean {
  return pair.assignments.some(
    (a) =>
      a.from.getTime() < window.to.getTime() &&
      (a.to === null || a.to.getTime() > window.from.getTime()) &&
      (a.to === null || a.to.getTime() > a.from.getTime()),
  );
}

function evaluateOne(
  pair: PairScope,
  results: PairResults,
  window: { from: Date; to: Date },
  now: Date,
  withSlots: boolean,
  anyAssignment = false,
): PairEvaluation | null {
  if (!anyAssignment && !overlaps(pair, window)) return null;
  const asOf = new Date(Math.min(window.to.getTime(), now.getTime()));
  const version = versionAt(pair.versions, asOf);
  const input = {
    scopes: scopeIntervals(pair),
    tolerableDeviationRate: version.tolerableDeviationRate,
    window: { from: window.from.getTime(), to: window.to.getTime() },
    asOf: asOf.getTime(),
  };
  let effectiveness: PairEffectiveness;
  let slots: SlotEvaluation[] | undefined;
  if (withSlots) {
    const points = Array.isArray(results) ? results : resultPointsOf(results);
    ({ effectiveness, slots } = evaluatePair({ ...input, results: points }));
  } else {
    effectiveness = Array.isArray(results)
      ? evaluatePairSummary({ ...input, results })
      : evaluatePairSummaryOfColumns({ ...input, results });
  }
  const evaluation: PairEvaluation = {
    serviceId: pair.serviceId,
    controlId: pair.controlId,
    control: {
      title: version.title,
      criteria: version.criteria,
      frequency: version.frequency,
      tolerableDeviationRate: version.tolerableDeviationRate,
    },
    window: { from: window.from, to: window.to },
    asOf,
    effectiveness,
  };
  if (withSlots) evaluation.slots = slots;
  return evaluation;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
