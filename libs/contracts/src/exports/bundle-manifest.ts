import type { ExportTable } from './export-tables';

/**
 * The zip bundle of an auditor export (SPEC §7) and its `manifest.json`.
 *
 * Hashing rules: the SHA-256 of a file is the lowercase hex digest of its exact bytes as
 * stored (uncompressed) in the zip. `manifest.json` is not listed in itself; the export log
 * records the SHA-256 of the manifest's bytes, which pins every file through it.
 * Row counts are data rows (the CSV header row is not counted).
 */
export const MANIFEST_FILE = 'manifest.json';

export const BUNDLE_FILES = {
  summary: 'summary.csv',
  occurrences: 'occurrences.csv',
  results: 'results.csv',
  oscal: 'assessment-results.oscal.json',
  pdf: 'report.pdf',
} as const;

/** Every file of a bundle except the manifest, in the order they are stored. */
export const BUNDLE_FILE_NAMES: readonly string[] = [
  BUNDLE_FILES.summary,
  BUNDLE_FILES.occurrences,
  BUNDLE_FILES.results,
  BUNDLE_FILES.oscal,
  BUNDLE_FILES.pdf,
];

export const MANIFEST_FORMAT = 'vigil-export-bundle/1';

/** What was exported: the period, its evaluation instant and the scope. */
export interface ExportParameters {
  /** RFC 3339 UTC, inclusive. */
  from: string;
  /** RFC 3339 UTC, exclusive. */
  to: string;
  /** `min(to, now)` when the export ran (SPEC §5): a closed period has `asOf = to`. */
  asOf: string;
  /** The services exported, sorted; `null` for every service. */
  services: string[] | null;
}

export interface ManifestFile {
  name: string;
  sha256: string;
  bytes: number;
  /** Data rows, for the CSV tables. */
  rows?: number;
}

export interface BundleManifest {
  format: typeof MANIFEST_FORMAT;
  parameters: ExportParameters;
  /** When the bundle was generated: the only value that differs between two exports of a closed period. */
  generationTime: string;
  vigilVersion: string;
  rowCounts: Record<ExportTable, number>;
  /** True when the period holds neither expected occurrences nor results. */
  empty: boolean;
  files: ManifestFile[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Reads a manifest, naming every field that is missing or of the wrong type. */
export function parseBundleManifest(json: unknown): {
  manifest?: BundleManifest;
  errors: string[];
} {
  const errors: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { errors: ['manifest.json is not a JSON object'] };
  }
  const m = json as Record<string, unknown>;
  if (m.format !== MANIFEST_FORMAT) errors.push(`manifest format is not ${MANIFEST_FORMAT}`);
  if (typeof m.generationTime !== 'string') errors.push('manifest generationTime is missing');
  if (typeof m.vigilVersion !== 'string') errors.push('manifest vigilVersion is missing');
  const p = m.parameters as Record<string, unknown> | undefined;
  if (!p || typeof p.from !== 'string' || typeof p.to !== 'string' || typeof p.asOf !== 'string') {
    errors.push('manifest parameters must give from, to and asOf');
  }
  const counts = m.rowCounts as Record<string, unknown> | undefined;
  for (const table of ['summary', 'occurrences', 'results']) {
    if (!counts || !Number.isInteger(counts[table]))
      errors.push(`manifest rowCounts.${table} is missing`);
  }
  if (!Array.isArray(m.files)) {
    errors.push('manifest files is not a list');
  } else {
    m.files.forEach((f: unknown, i) => {
      const file = f as Record<string, unknown>;
      if (typeof file?.name !== 'string') errors.push(`manifest files[${i}].name is missing`);
      if (typeof file?.sha256 !== 'string' || !SHA256_HEX.test(file.sha256)) {
        errors.push(`manifest files[${i}].sha256 is not a lowercase hex SHA-256`);
      }
      if (!Number.isInteger(file?.bytes)) errors.push(`manifest files[${i}].bytes is missing`);
    });
  }
  return errors.length ? { errors } : { manifest: json as BundleManifest, errors };
}
