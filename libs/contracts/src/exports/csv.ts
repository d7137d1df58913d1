/**
 * RFC 4180 CSV, as every Vigil export writes it: CRLF line ends, a header row, fields quoted
 * only when they contain a comma, a double quote, CR or LF (quotes doubled inside). One
 * encoding for every writer keeps the bytes of a closed period's export reproducible.
 */
export const CSV_LINE_END = '\r\n';

const NEEDS_QUOTES = /[",\r\n]/;

/** One field: `null`/`undefined` become the empty field; numbers keep every digit (`String(n)`). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += csvField(values[i]);
  }
  return line + CSV_LINE_END;
}

/**
 * An incremental RFC 4180 parser: feed text chunks, get complete records. Accepts CRLF or LF
 * record ends; quoted fields may span lines. Used by `vigil verify` to read bundles of any
 * size without holding them in memory.
 */
export class CsvParser {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  private quotePending = false;
  private fieldStarted = false;
  private crPending = false;

  /** Parses a chunk; returns the records it completed. */
  push(chunk: string): string[][] {
    const records: string[][] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false;
        } else if (c === '"') {
          this.quotePending = true;
          continue;
        } else {
          this.field += c;
          continue;
        }
      }
      if (this.crPending) {
        this.crPending = false;
        if (c === '\n') continue;
      }
      if (c === ',') {
        this.endField();
      } else if (c === '\r' || c === '\n') {
        this.crPending = c === '\r';
        this.endField();
        records.push(this.record);
        this.record = [];
      } else if (c === '"' && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
      } else {
        this.field += c;
        this.fieldStarted = true;
      }
    }
    return records;
  }

  /** Ends the input; returns the last record when the text did not end with a line break. */
  end(): string[][] {
    if (this.inQuotes && !this.quotePending) throw new Error('CSV ends inside a quoted field');
    this.inQuotes = false;
    this.quotePending = false;
    if (!this.fieldStarted && this.record.length === 0) return [];
    this.endField();
    const last = this.record;
    this.record = [];
    return [last];
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldStarted = false;
  }
}
