import type { ExportParameters, ExportTable } from '@vigil/contracts';

export type ExportFormat = 'csv' | 'json' | 'oscal' | 'pdf' | 'zip';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'oscal', 'pdf', 'zip'];

/** A validated export request: the period, its evaluation instant and the scope. */
export interface ExportRequest {
  from: Date;
  to: Date;
  /** `min(to, now)`: a closed period is evaluated as of its end, so its export is reproducible. */
  asOf: Date;
  now: Date;
  /** Sorted; null for every service. */
  serviceIds: string[] | null;
  format: ExportFormat;
  /** The table of a CSV export. */
  table: ExportTable;
}

export function exportParameters(request: ExportRequest): ExportParameters {
  return {
    from: request.from.toISOString(),
    to: request.to.toISOString(),
    asOf: request.asOf.toISOString(),
    services: request.serviceIds,
  };
}

const compact = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

/** `vigil-export_20260101T000000Z_20260401T000000Z_all.zip` (the CSV table is named too). */
export function exportFileName(request: ExportRequest): string {
  const scope =
    request.serviceIds === null
      ? 'all'
      : request.serviceIds.length === 1
        ? request.serviceIds[0]
        : `${request.serviceIds.length}-services`;
  const safeScope = scope.replace(/[^A-Za-z0-9._-]/g, '_');
  const base = `vigil-export_${compact(request.from)}_${compact(request.to)}_${safeScope}`;
  switch (request.format) {
    case 'csv':
      return `${base}_${request.table}.csv`;
    case 'json':
      return `${base}.json`;
    case 'oscal':
      return `${base}.oscal.json`;
    case 'pdf':
      return `${base}.pdf`;
    case 'zip':
      return `${base}.zip`;
  }
}

export function exportContentType(format: ExportFormat): string {
  switch (format) {
    case 'csv':
      return 'text/csv; charset=utf-8; header=present';
    case 'json':
    case 'oscal':
      return 'application/json; charset=utf-8';
    case 'pdf':
      return 'application/pdf';
    case 'zip':
      return 'application/zip';
  }
}
