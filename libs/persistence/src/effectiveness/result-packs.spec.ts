import { resultPointsOf, type ResultColumns, type ResultPoint } from '@vigil/domain';
import {
  monthKey,
  monthStart,
  nextMonthStart,
  packResults,
  readBinaryPacks,
  unpackPoints,
  walkPacks,
  type StoredPack,
} from './result-packs';

const at = (iso: string) => Date.parse(iso);
const point = (iso: string, outcome: ResultPoint['outcome'], late = false): ResultPoint => ({
  id: '',
  time: at(iso),
  outcome,
  late,
  evidenceUri: null,
});

describe('result packs', () => {
  it('round-trips times to the microsecond, outcomes and lateness, before and after 1970', () => {
    const results = [
      point('1969-12-31T23:59:59.999Z', 'pass'),
      {
        ...point('2026-11-29T10:00:00.000Z', 'fail', true),
        time: at('2026-11-29T10:00:00Z') + 0.123,
      },
      point('2026-11-29T10:00:00.001Z', 'error'),
      point('2026-11-30T00:00:00.000Z', 'not_applicable', true),
    ];
    const data = packResults(results);
    expect(data.length).toBe(4 * 9);
    expect(unpackPoints(data, -Infinity, Infinity)).toEqual(results);
    expect(unpackPoints(data, at('2026-11-29T10:00:00Z'), at('2026-11-30T00:00:00Z'))).toEqual(
      results.slice(1, 3),
    );
  });

  it('refuses a pack that is not whole records or holds an unknown outcome code', () => {
    expect(() => unpackPoints(Buffer.alloc(10), 0, Infinity)).toThrow(/whole number/);
    const data = packResults([point('2026-01-01T00:00:00Z', 'pass')]);
    data[8] = 0x3f;
    expect(() => unpackPoints(data, 0, Infinity)).toThrow(/unknown outcome code 63/);
  });

  it('names months in UTC', () => {
    expect(new Date(monthStart(at('2026-12-31T23:59:59.999Z'))).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect(new Date(nextMonthStart(at('2026-12-01T00:00:00Z'))).toISOString()).toBe(
      '2027-01-01T00:00:00.000Z',
    );
    expect(monthKey(at('2027-01-01T00:00:00Z')) - monthKey(at('2026-12-01T00:00:00Z'))).toBe(1);
  });

  describe(walkPacks.name, () => {
    const oct = at('2026-10-01T00:00:00Z');
    const nov = at('2026-11-01T00:00:00Z');
    const dec = at('2026-12-01T00:00:00Z');
    const octPack = {
      month: oct,
      coveredUntil: nov,
      data: packResults([
        point('2026-10-02T00:00:00Z', 'pass'),
        point('2026-10-20T00:00:00Z', 'fail'),
        point('2026-10-21T00:00:00Z', 'not_applicable'),
      ]),
    };
    const novPack = (
      coveredUntil: number,
      data: Buffer | null = packResults([point('2026-11-03T00:00:00Z', 'pass')]),
    ) => ({ month: nov, coveredUntil, data });
    const outcomes = (columns: ResultColumns) => resultPointsOf(columns).map((r) => r.outcome);

    it('reads consecutive packs within the window and stops where they stop', () => {
      const walked = walkPacks(
        [octPack, novPack(at('2026-11-10T00:00:00Z'))],
        at('2026-10-10T00:00:00Z'),
        dec,
      );
      expect(walked.rawFrom).toBe(at('2026-11-10T00:00:00Z'));
      // The context (Oct 2, pass), then the window's results.
      expect(walked.withContext).toBe(true);
      expect(outcomes(walked.results)).toEqual(['pass', 'fail', 'not_applicable', 'pass']);
    });

    it('takes the context from the month before when the window starts early in its month', () => {
      const walked = walkPacks([octPack, novPack(dec)], at('2026-11-02T00:00:00Z'), dec);
      // The latest applicable result (Oct 20, fail), the latest of any outcome (Oct 21), then
      // the window's result.
      expect(walked.withContext).toBe(true);
      expect(outcomes(walked.results)).toEqual(['fail', 'not_applicable', 'pass']);
      expect(walked.rawFrom).toBe(dec);
    });

    it('leaves the context to results when the packs cannot tell it', () => {
      // Only not_applicable before the window in the packs: the applicable one may be older.
      const onlyNa = {
        ...octPack,
        data: packResults([point('2026-10-21T00:00:00Z', 'not_applicable')]),
      };
      const walked = walkPacks([onlyNa, novPack(dec)], at('2026-11-02T00:00:00Z'), dec);
      expect(walked.withContext).toBe(false);
      expect(outcomes(walked.results)).toEqual(['pass']);
      // The month before is only partly packed.
      expect(
        walkPacks(
          [{ ...octPack, coveredUntil: at('2026-10-25T00:00:00Z') }, novPack(dec)],
          nov,
          dec,
        ).withContext,
      ).toBe(false);
      // No pack for the window's first month.
      expect(walkPacks([octPack], nov, dec)).toMatchObject({
        results: { length: 0 },
        withContext: false,
        rawFrom: nov,
      });
    });

    it('stops at a partial month even when a later month has a pack', () => {
      const decPack = {
        month: dec,
        coveredUntil: at('2027-01-01T00:00:00Z'),
        data: packResults([]),
      };
      expect(
        walkPacks([novPack(at('2026-11-10T00:00:00Z')), decPack], nov, at('2027-01-01T00:00:00Z'))
          .rawFrom,
      ).toBe(at('2026-11-10T00:00:00Z'));
    });

    it('stops at a missing month, an invalidated pack and a pack ending before the window', () => {
      expect(walkPacks([novPack(dec)], oct, dec).rawFrom).toBe(oct);
      expect(walkPacks([octPack, novPack(dec, null)], oct, dec).rawFrom).toBe(nov);
      expect(
        walkPacks([novPack(at('2026-11-02T00:00:00Z'))], at('2026-11-05T00:00:00Z'), dec).rawFrom,
      ).toBe(at('2026-11-05T00:00:00Z'));
    });

    it('never reaches past the end of the window', () => {
      const walked = walkPacks([octPack], oct, at('2026-10-15T00:00:00Z'));
      expect(walked.rawFrom).toBe(at('2026-10-15T00:00:00Z'));
      expect(outcomes(walked.results)).toEqual(['pass']);
    });
  });
});

describe(readBinaryPacks.name, () => {
  /** A COPY … TO STDOUT (FORMAT binary) answer of (ord, month, covered_until, data) rows. */
  function binaryCopy(rows: Array<[number, number, number, Buffer | null]>): Buffer {
    const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
    const int8 = (n: number) => {
      const b = Buffer.alloc(12);
      b.writeInt32BE(8, 0);
      b.writeBigInt64BE(BigInt(n), 4);
      return b;
    };
    for (const [ord, month, coveredUntil, data] of rows) {
      const count = Buffer.alloc(2);
      count.writeInt16BE(4);
      const length = Buffer.alloc(4);
      length.writeInt32BE(data === null ? -1 : data.length);
      parts.push(
        count,
        int8(ord),
        int8(month),
        int8(coveredUntil),
        length,
        data ?? Buffer.alloc(0),
      );
    }
    const trailer = Buffer.alloc(2);
    trailer.writeInt16BE(-1);
    return Buffer.concat([...parts, trailer]);
  }

  it('reads each row onto its pair, invalidated packs as null and empty ones as empty', () => {
    const jan = Date.UTC(2026, 0, 1);
    const feb = Date.UTC(2026, 1, 1);
    const data = packResults([{ time: jan + 1.5, outcome: 'fail', late: true }]);
    const out: StoredPack[][] = [[], [], []];
    readBinaryPacks(
      binaryCopy([
        [1, jan, feb, data],
        [1, feb, feb + 86_400_000, null],
        [3, jan, feb, Buffer.alloc(0)],
      ]),
      out,
    );
    expect(out).toEqual([
      [
        { month: jan, coveredUntil: feb, data },
        { month: feb, coveredUntil: feb + 86_400_000, data: null },
      ],
      [],
      [{ month: jan, coveredUntil: feb, data: Buffer.alloc(0) }],
    ]);
  });

  it('refuses an answer that is not PostgreSQL binary COPY', () => {
    expect(() => readBinaryPacks(Buffer.from('1\t2\t3\t\\x00\n'), [[]])).toThrow(
      /not in PostgreSQL binary format/,
    );
  });
});
