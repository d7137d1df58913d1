import fc from 'fast-check';
import { stringifiedByteLength } from './stringified-byte-length';

describe(stringifiedByteLength.name, () => {
  it.each([
    ['null', null],
    ['a number', -12.5e-7],
    ['a non-finite number, written as null', Number.POSITIVE_INFINITY],
    ['an empty array', []],
    ['an empty object', {}],
    ['escapes and multi-byte text', { 'quote"\\': ['\u0000\n', 'é€𝔐', '\ud800'] }],
    ['a member named __proto__', JSON.parse('{"__proto__":{"a":[1,2,{}]}}') as unknown],
  ])('is the UTF-8 size of JSON.stringify for %s', (_what, value) => {
    expect(stringifiedByteLength(value)).toBe(Buffer.byteLength(JSON.stringify(value), 'utf8'));
  });

  it('is the UTF-8 size of JSON.stringify for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stringifiedByteLength(value)).toBe(Buffer.byteLength(JSON.stringify(value), 'utf8'));
      }),
      { numRuns: 500 },
    );
  });

  it('measures 100,000 levels that JSON.stringify cannot write back', () => {
    const deep = JSON.parse(`${'[{"a":'.repeat(50_000)}1${'}]'.repeat(50_000)}`) as unknown;
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(stringifiedByteLength(deep)).toBe(50_000 * 8 + 1);
  });
});
