import fc from 'fast-check';
import { CsvParser, csvField, csvLine } from './csv';

describe(csvLine.name, () => {
  it('quotes only fields with a comma, quote or line break, and ends records with CRLF', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'x\ny', null, 0.1 + 0.2, true])).toBe(
      'a,"b,c","say ""hi""","x\ny",,0.30000000000000004,true\r\n',
    );
  });

  it('writes null and undefined as the empty field', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });
});

describe(CsvParser.name, () => {
  it('reads back what csvLine wrote, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), {
          maxLength: 8,
        }),
        fc.integer({ min: 1, max: 7 }),
        (records, chunkSize) => {
          // A record of one empty field is an empty line, which reads back as [''] too.
          const text = records.map((r) => csvLine(r)).join('');
          const parser = new CsvParser();
          const read: string[][] = [];
          for (let i = 0; i < text.length; i += chunkSize)
            read.push(...parser.push(text.slice(i, i + chunkSize)));
          read.push(...parser.end());
          expect(read).toEqual(records);
        },
      ),
    );
  });

  it('returns the last record when the text does not end with a line break', () => {
    const parser = new CsvParser();
    expect(parser.push('a,b\r\nc,"d')).toEqual([['a', 'b']]);
    expect(parser.push('"')).toEqual([]);
    expect(parser.end()).toEqual([['c', 'd']]);
  });

  it('throws when the text ends inside a quoted field', () => {
    const parser = new CsvParser();
    parser.push('a,"b');
    expect(() => parser.end()).toThrow('inside a quoted field');
  });
});
