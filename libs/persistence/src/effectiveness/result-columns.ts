import { LATE_FLAG, OUTCOME_CODES, type ResultColumns, type ResultPoint } from '@vigil/domain';

/** {@link ResultColumns} grown by appending, in order (the query path's result lists). */
export class ResultColumnsBuilder implements ResultColumns {
  length = 0;
  times: Float64Array;
  codes: Uint8Array;

  constructor(capacity = 16) {
    this.times = new Float64Array(capacity);
    this.codes = new Uint8Array(capacity);
  }

  /**
   * Builders over consecutive slices of one pair of arrays, one per capacity: a chunk of pairs
   * then allocates two array buffers instead of two per pair (each one external memory the
   * garbage collector accounts for). A builder outgrowing its slice moves to arrays of its own.
   */
  static slices(capacities: readonly number[]): ResultColumnsBuilder[] {
    let total = 0;
    for (const capacity of capacities) total += capacity;
    const times = new Float64Array(total);
    const codes = new Uint8Array(total);
    let offset = 0;
    return capacities.map((capacity) => {
      const builder = new ResultColumnsBuilder(0);
      builder.times = times.subarray(offset, offset + capacity);
      builder.codes = codes.subarray(offset, offset + capacity);
      offset += capacity;
      return builder;
    });
  }

  /** Appends a result; `code` as in {@link ResultColumns} (outcome code, + LATE_FLAG). */
  push(time: number, code: number): void {
    if (this.length === this.times.length) this.grow(Math.max(16, this.length * 2));
    this.times[this.length] = time;
    this.codes[this.length] = code;
    this.length++;
  }

  pushPoint(point: Pick<ResultPoint, 'time' | 'outcome' | 'late'>): void {
    this.push(point.time, OUTCOME_CODES[point.outcome] + (point.late ? LATE_FLAG : 0));
  }

  /** Appends every result of `other`. */
  append(other: ResultColumns): void {
    if (this.length + other.length > this.times.length) {
      this.grow(Math.max(this.length * 2, this.length + other.length));
    }
    this.times.set(other.times.subarray(0, other.length), this.length);
    this.codes.set(other.codes.subarray(0, other.length), this.length);
    this.length += other.length;
  }

  private grow(capacity: number): void {
    const times = new Float64Array(capacity);
    times.set(this.times.subarray(0, this.length));
    const codes = new Uint8Array(capacity);
    codes.set(this.codes.subarray(0, this.length));
    this.times = times;
    this.codes = codes;
  }
}

/**
 * Column code (outcome code + LATE_FLAG) of the one-letter outcome codes of packs and of the
 * lean text lists (`p f e n`, upper case when late); -1 for any other character code.
 */
export const COLUMN_CODE_OF_LETTER = new Int8Array(256).fill(-1);
for (const [letter, outcome] of [
  ['p', 'pass'],
  ['f', 'fail'],
  ['e', 'error'],
  ['n', 'not_applicable'],
] as const) {
  COLUMN_CODE_OF_LETTER[letter.charCodeAt(0)] = OUTCOME_CODES[outcome];
  COLUMN_CODE_OF_LETTER[letter.toUpperCase().charCodeAt(0)] = OUTCOME_CODES[outcome] + LATE_FLAG;
}
