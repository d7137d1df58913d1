import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import yazl from 'yazl';
import {
  BUNDLE_FILES,
  type BundleManifest,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  OCCURRENCE_COLUMNS,
  SUMMARY_COLUMNS,
  csvLine,
  type ExportTable,
} from '@vigil/contracts';
import {
  CatalogRepository,
  EffectivenessQuery,
  type EffectivenessQueryInput,
  ExportResultsRepository,
  ExportSnapshot,
  type PairEvaluation,
} from '@vigil/persistence';
import type { ExportContext } from './export-context';
import { exportParameters, type ExportRequest } from './export-request';
import {
  ExportAbortedError,
  type ExportSink,
  type FileProducer,
  type ProducedFile,
  produce,
} from './export-sink';
import { writeOscal } from './oscal/oscal-writer';
import { writePdfReport } from './pdf/pdf-report';
import { occurrenceJson, occurrenceValues, summaryJson, summaryValues } from './tables/export-rows';
import { vigilVersion } from './vigil-version';

/** An export being streamed: the bytes, and what to log once the last byte has left. */
export interface RunningExport {
  stream: Readable;
  /** Settles when the export is complete: the logged hash (zip: of manifest.json), size and rows. */
  done: Promise<{ sha256: string; bytes: number; rowCounts: Partial<Record<ExportTable, number>> }>;
}

/** Pairs evaluated together: bounds the results and slots in memory during an export. */
const PAIRS_PER_BATCH = 32;

type PairBatch = Pick<EffectivenessQueryInput, 'serviceIds' | 'controlId'>;

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type PairId = { serviceId: string; controlId: string };

/**
 * Effectiveness queries covering `selected` (a subset of `all`), at most PAIRS_PER_BATCH pairs
 * each, in (service, control) order. A service whose pairs are all selected is queried whole
 * (services packed together up to the limit); otherwise its selected pairs one by one.
 */
export function batchPairs(selected: readonly PairId[], all: readonly PairId[]): PairBatch[] {
  const total = new Map<string, number>();
  for (const pair of all) total.set(pair.serviceId, (total.get(pair.serviceId) ?? 0) + 1);
  const chosen = new Map<string, string[]>();
  for (const pair of selected)
    chosen.set(pair.serviceId, [...(chosen.get(pair.serviceId) ?? []), pair.controlId]);
  const batches: PairBatch[] = [];
  let current: string[] = [];
  let size = 0;
  const close = () => {
    if (current.length) batches.push({ serviceIds: current });
    current = [];
    size = 0;
  };
  for (const service of [...chosen.keys()].sort(compareIds)) {
    const controls = chosen.get(service) as string[];
    if (controls.length > PAIRS_PER_BATCH || controls.length < (total.get(service) ?? 0)) {
      close();
      for (const control of [...new Set(controls)].sort(compareIds)) {
        batches.push({ serviceIds: [service], controlId: control });
      }
      continue;
    }
    if (size + controls.length > PAIRS_PER_BATCH) close();
    current.push(service);
    size += controls.length;
  }
  close();
  return batches;
}

/** Zip entries get this fixed time (local fields, as DOS times are): bundles are reproducible. */
const ZIP_ENTRY_TIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * The auditor exports of a period (SPEC §7): each format written as a stream from the
 * effectiveness engine (summary, occurrences, OSCAL, PDF) and from a cursor over the results.
 * Ordering is fixed (pairs by service then control, slots by start, results by the primary
 * key), so a closed period always gives the same bytes.
 */
@Injectable()
export class PeriodExportService {
  constructor(
    @Inject(EffectivenessQuery) private readonly effectiveness: EffectivenessQuery,
    @Inject(ExportResultsRepository) private readonly results: ExportResultsRepository,
    @Inject(CatalogRepository) private readonly catalog: CatalogRepository,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  start(request: ExportRequest): RunningExport {
    // Every format that reads the period more than once reads it in one snapshot (a CSV table
    // is one query: it needs none).
    const snapshot = request.format === 'csv' ? undefined : new ExportSnapshot(this.dataSource);
    const ctx = this.context(request, snapshot);
    const running = this.run(ctx);
    return { stream: running.stream, done: running.done.finally(() => snapshot?.close()) };
  }

  private run(ctx: ExportContext): RunningExport {
    const { request } = ctx;
    switch (request.format) {
      case 'csv':
        return this.single(this.tableCsv(ctx, request.table), request.table);
      case 'json':
        return this.single((sink) => this.jsonDocument(ctx, sink));
      case 'oscal':
        return this.single((sink) => writeOscal(ctx, sink));
      case 'pdf':
        return this.single((sink) => writePdfReport(ctx, sink));
      case 'zip':
        return this.bundle(ctx);
    }
  }

  private single(producer: FileProducer, table?: ExportTable): RunningExport {
    const { stream, done } = produce(producer);
    return {
      stream,
      done: done.then((file) => ({
        sha256: file.sha256,
        bytes: file.bytes,
        rowCounts: table && file.rows !== undefined ? { [table]: file.rows } : {},
      })),
    };
  }

  private context(request: ExportRequest, snapshot: ExportSnapshot | undefined): ExportContext {
    const window = { from: request.from, to: request.to, now: request.now };
    const effectiveness = snapshot
      ? new EffectivenessQuery(snapshot.dataSource())
      : this.effectiveness;
    const catalog = snapshot ? new CatalogRepository(snapshot.dataSource()) : this.catalog;
    let batches: Promise<PairBatch[]> | undefined;
    const scopes = () => (batches ??= this.pairBatches(catalog, request));
    let summary: Promise<PairEvaluation[]> | undefined;
    const evaluateSummary = () =>
      (summary ??= scopes().then(async (list) => {
        const pairs: PairEvaluation[] = [];
        for (const batch of list) {
          pairs.push(
            ...(await effectiveness.evaluatePairs({ ...window, ...batch, withSlots: false })),
          );
        }
        return pairs;
      }));
    return {
      request,
      vigilVersion: vigilVersion(),
      snapshotId: async () => (snapshot ? snapshot.id() : undefined),
      summary: evaluateSummary,
      forEachPairWithSlots: async (fn) => {
        for (const batch of await scopes()) {
          await effectiveness.forEachPair({ ...window, ...batch, withSlots: true }, fn);
        }
      },
      forEachDeviatingPairWithSlots: async (fn) => {
        const pairs = await evaluateSummary();
        const deviating = pairs.filter((p) => p.effectiveness.deviations > 0);
        for (const batch of batchPairs(deviating, pairs)) {
          await effectiveness.forEachPair(
            { ...window, ...batch, withSlots: true },
            async (pair) => {
              if (pair.effectiveness.deviations > 0) await fn(pair);
            },
          );
        }
      },
    };
  }

  /**
   * The pairs of the scope as effectiveness queries of at most PAIRS_PER_BATCH pairs each, in
   * (service, control) order: one batch's results and slots are in memory at a time, so memory
   * is bounded by the batch, not by the period.
   */
  private async pairBatches(
    catalog: CatalogRepository,
    request: ExportRequest,
  ): Promise<PairBatch[]> {
    const pairs = (
      await catalog.findPairScopes({
        from: request.from,
        to: request.to,
        ...(request.serviceIds === null ? {} : { serviceIds: request.serviceIds }),
      })
    ).filter((pair) => pair.versions.length > 0);
    return batchPairs(pairs, pairs);
  }

  private tableCsv(ctx: ExportContext, table: ExportTable): FileProducer {
    switch (table) {
      case 'summary':
        return async (sink) => {
          await sink.write(csvLine(SUMMARY_COLUMNS));
          const pairs = await ctx.summary();
          for (const pair of pairs) {
            const row = summaryValues(pair);
            await sink.write(csvLine(SUMMARY_COLUMNS.map((c) => row[c])));
          }
          return { rows: pairs.length };
        };
      case 'occurrences':
        return async (sink) => {
          await sink.write(csvLine(OCCURRENCE_COLUMNS));
          let rows = 0;
          await ctx.forEachPairWithSlots(async (pair) => {
            for (const slot of pair.slots ?? []) {
              await sink.write(csvLine(occurrenceValues(pair, slot)));
              rows++;
            }
          });
          return { rows };
        };
      case 'results':
        return async (sink) => {
          const { stream, rows } = await this.results.streamResultsCsv(
            await this.resultsPeriod(ctx),
          );
          await pump(stream, sink);
          return { rows: rows() };
        };
    }
  }

  /** `{parameters, summary, occurrences, results, rowCounts, empty}`, one array item per line. */
  private async jsonDocument(ctx: ExportContext, sink: ExportSink): Promise<void> {
    await sink.write(
      `{"format":"vigil-export/1","vigilVersion":${JSON.stringify(ctx.vigilVersion)},"parameters":${JSON.stringify(exportParameters(ctx.request))},\n"summary":[`,
    );
    const pairs = await ctx.summary();
    for (let i = 0; i < pairs.length; i++)
      await sink.write(`${i ? ',' : ''}\n${JSON.stringify(summaryJson(pairs[i]))}`);
    await sink.write('],\n"occurrences":[');
    let occurrences = 0;
    await ctx.forEachPairWithSlots(async (pair) => {
      for (const slot of pair.slots ?? []) {
        await sink.write(
          `${occurrences++ ? ',' : ''}\n${JSON.stringify(occurrenceJson(pair, slot))}`,
        );
      }
    });
    await sink.write('],\n"results":[');
    const { stream, rows } = await this.results.streamResultsJson(await this.resultsPeriod(ctx));
    let first = true;
    try {
      for await (const row of stream as AsyncIterable<string>) {
        await sink.write(first ? `\n${row}` : `,\n${row}`);
        first = false;
      }
    } finally {
      stream.destroy();
    }
    const rowCounts = { summary: pairs.length, occurrences, results: rows() };
    const empty = occurrences === 0 && rowCounts.results === 0;
    await sink.write(`],\n"rowCounts":${JSON.stringify(rowCounts)},"empty":${empty}}\n`);
  }

  /**
   * The zip bundle: the three tables, the OSCAL document, the PDF report, then manifest.json
   * with the SHA-256 of each. Entries are produced one after the other, only when the zip
   * writer reaches them, so one database cursor is open at a time.
   */
  private bundle(ctx: ExportContext): RunningExport {
    const zip = new yazl.ZipFile();
    const produced = new Map<string, ProducedFile>();
    let current: Readable | undefined;
    const entry = (name: string, producer: FileProducer) =>
      new Promise<ProducedFile>((resolve, reject) => {
        zip.addReadStreamLazy(
          name,
          { mtime: ZIP_ENTRY_TIME, forceDosTimestamp: true, compress: true },
          (callback) => {
            const { stream, done } = produce(producer);
            current = stream;
            done.then((file) => {
              produced.set(name, file);
              resolve(file);
            }, reject);
            callback(null, stream);
          },
        );
      });
    const files = [
      entry(BUNDLE_FILES.summary, this.tableCsv(ctx, 'summary')),
      entry(BUNDLE_FILES.occurrences, this.tableCsv(ctx, 'occurrences')),
      entry(BUNDLE_FILES.results, this.tableCsv(ctx, 'results')),
      entry(BUNDLE_FILES.oscal, (sink) => writeOscal(ctx, sink)),
      entry(BUNDLE_FILES.pdf, (sink) => writePdfReport(ctx, sink)),
    ];
    let manifestFile: ProducedFile | undefined;
    const manifestDone = entry(MANIFEST_FILE, async (sink) => {
      const manifest = this.manifest(ctx, produced);
      await sink.write(`${JSON.stringify(manifest, null, 2)}\n`);
    }).then((file) => (manifestFile = file));
    zip.end();
    const output = zip.outputStream as unknown as Readable;
    // The client went away: stop the entry being written (and so its database reads), and
    // fail the export even when it happens between entries (the next one would never start).
    const aborted = new Promise<never>((_resolve, reject) => {
      output.on('close', () => {
        if (output.readableEnded) return;
        current?.destroy(new ExportAbortedError());
        reject(new ExportAbortedError());
      });
    });
    aborted.catch(() => undefined);
    const done = Promise.race([Promise.all([...files, manifestDone]), aborted]).then(async () => {
      if (!output.readableEnded && !output.destroyed) {
        await new Promise((resolve, reject) =>
          output.once('end', resolve).once('error', reject).once('close', resolve),
        );
      }
      // Every entry was written but the client left before the end of the zip.
      if (!output.readableEnded) throw new ExportAbortedError();
      const file = manifestFile as ProducedFile;
      return {
        sha256: file.sha256,
        bytes: [...produced.values()].reduce((n, f) => n + f.bytes, 0),
        rowCounts: rowCountsOf(produced),
      };
    });
    // A failed entry fails the whole bundle: the client sees a cut response, never a bundle that verifies.
    done.catch((error: unknown) =>
      output.destroy(error instanceof Error ? error : new Error(String(error))),
    );
    return { stream: output, done };
  }

  private manifest(ctx: ExportContext, produced: Map<string, ProducedFile>): BundleManifest {
    const rowCounts = rowCountsOf(produced) as Record<ExportTable, number>;
    return {
      format: MANIFEST_FORMAT,
      parameters: exportParameters(ctx.request),
      generationTime: new Date().toISOString(),
      vigilVersion: ctx.vigilVersion,
      rowCounts,
      empty: rowCounts.occurrences === 0 && rowCounts.results === 0,
      files: [...produced].map(([name, file]) => ({
        name,
        sha256: file.sha256,
        bytes: file.bytes,
        ...(file.rows === undefined ? {} : { rows: file.rows }),
      })),
    };
  }

  private async resultsPeriod(ctx: ExportContext) {
    const { request } = ctx;
    return {
      from: request.from,
      to: request.to,
      serviceIds: request.serviceIds,
      snapshotId: await ctx.snapshotId(),
    };
  }
}

function rowCountsOf(produced: Map<string, ProducedFile>): Partial<Record<ExportTable, number>> {
  return {
    summary: produced.get(BUNDLE_FILES.summary)?.rows ?? 0,
    occurrences: produced.get(BUNDLE_FILES.occurrences)?.rows ?? 0,
    results: produced.get(BUNDLE_FILES.results)?.rows ?? 0,
  };
}

async function pump(stream: Readable, sink: ExportSink): Promise<void> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) await sink.write(chunk);
  } finally {
    stream.destroy();
  }
}
