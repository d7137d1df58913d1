import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { Command } from 'commander';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import {
  BUNDLE_FILES,
  BUNDLE_FILE_NAMES,
  BundleConsistency,
  CsvParser,
  MANIFEST_FILE,
  OCCURRENCE_COLUMNS,
  RESULT_COLUMNS,
  SUMMARY_COLUMNS,
  columnIndex,
  parseBundleManifest,
  type BundleManifest,
} from '@vigil/contracts';

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  manifest?: BundleManifest;
  /** SHA-256 of manifest.json: the hash the export log recorded for this bundle. */
  manifestSha256?: string;
}

type RowSink = (row: Record<string, string>) => void;

interface EntryDigest {
  sha256: string;
  bytes: number;
  rows?: number;
}

/**
 * Checks an export bundle offline (SPEC §7): every file matches the SHA-256 and size of
 * manifest.json, no file is missing or extra, the row counts match, and the summary agrees
 * with the occurrences and the results it ships with. Streams every entry: any size works.
 */
export async function verifyBundle(
  path: string,
  expectedManifestSha256?: string,
): Promise<VerifyReport> {
  const problems: string[] = [];
  const zip = await openZip(path);
  const digests = new Map<string, EntryDigest>();
  const consistency = new BundleConsistency();
  let manifestText: string | undefined;
  const tables: Record<string, { columns: readonly string[]; sink: RowSink }> = {
    [BUNDLE_FILES.summary]: {
      columns: SUMMARY_COLUMNS,
      sink: (r) => consistency.addSummary(r),
    },
    [BUNDLE_FILES.occurrences]: {
      columns: OCCURRENCE_COLUMNS,
      sink: (r) => consistency.addOccurrence(r),
    },
    [BUNDLE_FILES.results]: {
      columns: RESULT_COLUMNS,
      sink: (r) => consistency.addResult(r),
    },
  };
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (entry === null) break;
      if (entry.fileName.endsWith('/')) continue;
      if (digests.has(entry.fileName)) problems.push(`${entry.fileName}: appears twice in the zip`);
      const stream = await openEntry(zip, entry);
      if (entry.fileName === MANIFEST_FILE) {
        manifestText = await readText(stream);
        continue;
      }
      const table = tables[entry.fileName];
      try {
        digests.set(entry.fileName, await digestEntry(stream, entry.fileName, table));
      } catch (error: unknown) {
        problems.push(
          `${entry.fileName}: ${error instanceof Error ? error.message : String(error)}`,
        );
        digests.set(entry.fileName, { sha256: '', bytes: -1 });
      }
    }
  } finally {
    zip.close();
  }

  if (manifestText === undefined)
    return { ok: false, problems: [...problems, `${MANIFEST_FILE} is missing`] };
  let json: unknown;
  try {
    json = JSON.parse(manifestText);
  } catch {
    return { ok: false, problems: [...problems, `${MANIFEST_FILE} is not valid JSON`] };
  }
  const { manifest, errors } = parseBundleManifest(json);
  if (!manifest) return { ok: false, problems: [...problems, ...errors] };
  const manifestSha256 = createHash('sha256').update(manifestText, 'utf8').digest('hex');
  if (
    expectedManifestSha256 !== undefined &&
    expectedManifestSha256.toLowerCase() !== manifestSha256
  ) {
    problems.push(
      `${MANIFEST_FILE}: SHA-256 ${manifestSha256} is not the expected ${expectedManifestSha256} (from the export log)`,
    );
  }

  const listed = new Map(manifest.files.map((f) => [f.name, f]));
  for (const name of BUNDLE_FILE_NAMES) {
    if (!listed.has(name)) problems.push(`${name}: not listed in ${MANIFEST_FILE}`);
  }
  for (const [name, file] of listed) {
    const digest = digests.get(name);
    if (!digest) {
      problems.push(`${name}: listed in ${MANIFEST_FILE} but missing from the bundle`);
      continue;
    }
    if (digest.sha256 !== file.sha256)
      problems.push(
        `${name}: SHA-256 ${digest.sha256 || '(unreadable)'} does not match the manifest's ${file.sha256}`,
      );
    if (digest.bytes !== file.bytes)
      problems.push(`${name}: ${digest.bytes} bytes, the manifest says ${file.bytes}`);
    if (file.rows !== undefined && digest.rows !== undefined && digest.rows !== file.rows) {
      problems.push(`${name}: ${digest.rows} rows, the manifest says ${file.rows}`);
    }
  }
  for (const name of digests.keys()) {
    if (!listed.has(name))
      problems.push(`${name}: in the bundle but not listed in ${MANIFEST_FILE}`);
  }
  for (const [table, file] of [
    ['summary', BUNDLE_FILES.summary],
    ['occurrences', BUNDLE_FILES.occurrences],
    ['results', BUNDLE_FILES.results],
  ] as const) {
    const rows = digests.get(file)?.rows;
    if (rows !== undefined && rows !== manifest.rowCounts[table]) {
      problems.push(
        `${file}: ${rows} rows, the manifest's rowCounts.${table} says ${manifest.rowCounts[table]}`,
      );
    }
  }
  problems.push(...consistency.mismatches());
  return { ok: problems.length === 0, problems, manifest, manifestSha256 };
}

async function digestEntry(
  stream: Readable,
  name: string,
  table?: { columns: readonly string[]; sink: RowSink },
): Promise<EntryDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  const decoder = new StringDecoder('utf8');
  const parser = new CsvParser();
  let header: Record<string, number> | undefined;
  let rows = 0;
  const take = (records: string[][]) => {
    if (!table) return;
    for (const record of records) {
      if (!header) {
        header = columnIndex(record, table.columns, name);
        continue;
      }
      if (record.length !== table.columns.length)
        throw new Error(
          `row ${rows + 1} has ${record.length} fields, expected ${table.columns.length}`,
        );
      const row: Record<string, string> = {};
      for (const column of table.columns) row[column] = record[header[column]];
      table.sink(row);
      rows++;
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (table) take(parser.push(decoder.write(chunk)));
  }
  if (table) {
    take(parser.push(decoder.end()));
    take(parser.end());
    if (!header) throw new Error('has no header row');
  }
  return { sha256: hash.digest('hex'), bytes, ...(table ? { rows } : {}) };
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true },
      (error, zip) => (error ? reject(error) : resolve(zip)),
    ),
  );
}

function nextEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))),
  );
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** `vigil verify <bundle.zip>`: prints OK or every mismatch; exit status 0 or 1. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'Check an export bundle offline: file hashes, row counts, and summary against occurrences and results',
    )
    .argument('<bundle.zip>', 'a bundle from GET /api/v1/exports/period?format=zip')
    .option(
      '--manifest-sha256 <hex>',
      'also require manifest.json to have this SHA-256 (GET /api/v1/exports lists it)',
    )
    .action(async (path: string, options: { manifestSha256?: string }) => {
      let report: VerifyReport;
      try {
        report = await verifyBundle(path, options.manifestSha256);
      } catch (error: unknown) {
        report = {
          ok: false,
          problems: [
            `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
          ],
        };
      }
      if (report.ok && report.manifest) {
        const m = report.manifest;
        process.stdout.write(
          `OK ${path}: ${m.files.length} files match manifest.json; period ${m.parameters.from} to ${m.parameters.to}; ` +
            `${m.rowCounts.summary} pairs, ${m.rowCounts.occurrences} occurrences, ${m.rowCounts.results} results${m.empty ? ' (the period holds no data)' : ''}; manifest.json SHA-256 ${report.manifestSha256}\n`,
        );
        return;
      }
      for (const problem of report.problems) process.stdout.write(`MISMATCH ${problem}\n`);
      process.stdout.write(`FAILED ${path}: ${report.problems.length} problems\n`);
      process.exitCode = 1;
    });
}
