import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonMerged, sha256Hex } from './canonical-json';

describe(canonicalJson.name, () => {
  it('sorts members recursively and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('sorts member names by UTF-16 code units as RFC 8785 requires', () => {
    // U+FB33 sorts after U+1F600 (😀, surrogates D83D DE00) by code units, before it by code points.
    expect(canonicalJson({ '\ufb33': 1, '😀': 2, '\r': 3, '1': 4, ö: 5, '€': 6 })).toBe(
      '{"\\r":3,"1":4,"ö":5,"€":6,"😀":2,"\ufb33":1}',
    );
  });

  it('writes numbers and strings as ECMAScript JSON.stringify', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7, 'line\nbreak', '\u2028'])).toBe(
      '[1e+21,0.1,0,1.5e-7,"line\\nbreak","\u2028"]',
    );
  });

  it('follows JSON.stringify for values JSON cannot carry', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, NaN], c: new Date(0) })).toBe(
      '{"b":[null,null],"c":"1970-01-01T00:00:00.000Z"}',
    );
  });
});

describe(sha256Hex.name, () => {
  it('hashes the UTF-8 bytes of the text', () => {
    expect(sha256Hex('✅')).toBe(
      createHash('sha256').update(Buffer.from('✅', 'utf8')).digest('hex'),
    );
  });
});

/** RFC 8785 written the plain way (members collected and joined): what canonicalJson must equal. */
function referenceCanonicalJson(value: unknown, inArray = false): string | undefined {
  const v =
    value !== null && typeof value === 'object' && typeof (value as Date).toJSON === 'function'
      ? (value as Date).toJSON()
      : value;
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol')
    return inArray ? 'null' : undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((item) => referenceCanonicalJson(item, true)).join(',')}]`;
  const members = Object.entries(v as Record<string, unknown>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, item]) => {
      const text = referenceCanonicalJson(item);
      return text === undefined ? [] : [`${JSON.stringify(key)}:${text}`];
    });
  return `{${members.join(',')}}`;
}

describe('canonicalJson against the plain reference', () => {
  it('writes every JSON value, with any strings and key orders, as the reference does', () => {
    const anyString = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(
        fc.anything({
          key: anyString,
          values: [
            anyString,
            fc.double(),
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.constant(undefined),
          ],
          withDate: true,
          withNullPrototype: true,
        }),
        (value) => {
          expect(canonicalJson(value)).toBe(referenceCanonicalJson(value) ?? 'null');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('escapes quotes, backslashes, control characters and lone surrogates as JSON.stringify', () => {
    for (const text of ['"', '\\', '\u0000', '\u001f', '\ud800', 'a\udc00b', '😀', '\u007f']) {
      expect(canonicalJson({ [text]: text })).toBe(
        `{${JSON.stringify(text)}:${JSON.stringify(text)}}`,
      );
    }
  });
});

describe(canonicalJsonMerged.name, () => {
  it('equals canonicalJson of the merged object, the extra members winning', () => {
    const record = fc.dictionary(
      fc.oneof(fc.constantFrom('time', 'data', 'id', '__proto__'), fc.string()),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(record, record, (base, extra) => {
        expect(canonicalJsonMerged(base, extra)).toBe(canonicalJson({ ...base, ...extra }));
      }),
      { numRuns: 1000 },
    );
  });
});
