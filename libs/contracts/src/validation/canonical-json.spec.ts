import { createHash } from 'node:crypto';
import { canonicalJson, sha256Hex } from './canonical-json';

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
