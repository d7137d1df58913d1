import fc from 'fast-check';
import { CatalogDocument } from './catalog-document';
import {
  parseCatalogDocument,
  parseCatalogText,
  validateCatalogDocument,
} from './parse-catalog-document';
import { catalogDocumentToJson, catalogDocumentToYaml } from './render-catalog-document';

const criteria = new Set(['CC6.1', 'CC6.2', 'CC8.1', 'A1.2']);

const valid = () => ({
  services: [{ id: 'payments-api', name: 'Payments API', owner: 'team-payments' }],
  controls: [{ id: 'mfa', title: 'MFA', criteria: ['CC6.1'], frequency: 'daily' }],
  assignments: [{ service: 'payments-api', control: 'mfa', from: '2026-01-01T00:00:00Z' }],
});

describe(validateCatalogDocument.name, () => {
  it('fills in the default tolerable deviation rate and parses times when fields are omitted', () => {
    const result = validateCatalogDocument(valid(), { criteria });
    expect(result).toEqual({
      ok: true,
      document: {
        services: [
          { id: 'payments-api', name: 'Payments API', owner: 'team-payments', description: null },
        ],
        controls: [
          {
            id: 'mfa',
            title: 'MFA',
            description: null,
            owner: null,
            criteria: ['CC6.1'],
            frequency: 'daily',
            tolerableDeviationRate: 0.05,
          },
        ],
        assignments: [
          {
            service: 'payments-api',
            control: 'mfa',
            from: new Date('2026-01-01T00:00:00Z'),
            to: null,
          },
        ],
      },
    });
  });

  it('accepts adjacent intervals for one pair when one ends where the next starts', () => {
    const doc = valid();
    doc.assignments = [
      {
        service: 'payments-api',
        control: 'mfa',
        from: '2026-01-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
      } as never,
      { service: 'payments-api', control: 'mfa', from: '2026-03-01T00:00:00Z' },
    ];
    expect(validateCatalogDocument(doc, { criteria }).ok).toBe(true);
  });

  it('reports an overlap with an earlier long interval when a short one sits between', () => {
    const doc = valid();
    doc.assignments = [
      { service: 'payments-api', control: 'mfa', from: '2026-01-01T00:00:00Z' },
      {
        service: 'payments-api',
        control: 'mfa',
        from: '2026-02-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
      } as never,
      { service: 'payments-api', control: 'mfa', from: '2026-05-01T00:00:00Z' },
    ];
    const result = validateCatalogDocument(doc, { criteria });
    expect(result.ok ? [] : result.errors.map((e) => e.pointer)).toEqual([
      '/assignments/1',
      '/assignments/2',
    ]);
  });

  it('escapes the pointer of an unknown field when its name holds / or ~', () => {
    const doc = { ...valid(), 'a/b~c': 1 };
    const result = validateCatalogDocument(doc, { criteria });
    expect(result.ok ? [] : result.errors).toEqual([
      { pointer: '/a~1b~0c', detail: expect.stringMatching(/unknown field/) },
    ]);
  });

  it('reports the root when the document is not a mapping', () => {
    expect(validateCatalogDocument([1, 2], { criteria })).toEqual({
      ok: false,
      errors: [{ pointer: '', detail: expect.stringMatching(/mapping/) }],
    });
  });
});

describe(parseCatalogText.name, () => {
  it('reports the line and column when YAML does not parse', () => {
    const result = parseCatalogText('services:\n  - { id: a\n', 'yaml');
    expect(result.ok ? [] : result.errors).toEqual([
      { pointer: '', detail: expect.stringMatching(/^not valid YAML: line \d+, column \d+: /) },
    ]);
  });

  it('rejects duplicate keys when a YAML mapping repeats one', () => {
    expect(parseCatalogText('services: []\nservices: []\n', 'yaml').ok).toBe(false);
  });

  it('keeps timestamps as strings when YAML holds unquoted date-times', () => {
    const result = parseCatalogText('from: 2026-01-01T00:00:00Z\n', 'yaml');
    expect(result).toEqual({ ok: true, value: { from: '2026-01-01T00:00:00Z' } });
  });

  it('reports JSON syntax errors when the format is json', () => {
    const result = parseCatalogText('{"services": [', 'json');
    expect(result.ok ? [] : result.errors[0].detail).toMatch(/^not valid JSON/);
  });
});

describe(catalogDocumentToYaml.name, () => {
  const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
  const instant = fc
    .integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 })
    .map((s) => new Date(s * 1000));
  const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');

  const documents: fc.Arbitrary<CatalogDocument> = fc
    .record({
      serviceIds: fc.uniqueArray(id, { minLength: 1, maxLength: 4 }),
      controlIds: fc.uniqueArray(id, { minLength: 1, maxLength: 4 }),
      name: text,
      description: fc.option(text, { nil: null }),
      rate: fc.double({ min: 0, max: 1, noNaN: true }),
      frequency: fc.constantFrom(
        'hourly',
        'daily',
        'weekly',
        'monthly',
        'quarterly',
        'annually' as const,
      ),
      picks: fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat(),
          instant,
          fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: null }),
        ),
      ),
    })
    .map(({ serviceIds, controlIds, name, description, rate, frequency, picks }) => {
      const seen = new Set<string>();
      return {
        services: serviceIds.map((s) => ({ id: s, name, owner: 'team', description })),
        controls: controlIds.map((c) => ({
          id: c,
          title: name,
          description,
          owner: null,
          criteria: ['CC6.1', 'A1.2'],
          frequency,
          tolerableDeviationRate: rate,
        })),
        // One interval per pair keeps the generated documents free of overlaps.
        assignments: picks
          .map(([s, c, from, seconds]) => ({
            service: serviceIds[s % serviceIds.length],
            control: controlIds[c % controlIds.length],
            from,
            to: seconds === null ? null : new Date(from.getTime() + seconds * 1000),
          }))
          .filter(
            (a) =>
              !seen.has(`${a.service} ${a.control}`) && !!seen.add(`${a.service} ${a.control}`),
          ),
      };
    });

  it('gives back the same document when its YAML or JSON is parsed again', () => {
    fc.assert(
      fc.property(documents, (document) => {
        const fromYaml = parseCatalogDocument(catalogDocumentToYaml(document), 'yaml', {
          criteria,
        });
        expect(fromYaml).toEqual({ ok: true, document });
        const fromJson = parseCatalogDocument(
          JSON.stringify(catalogDocumentToJson(document)),
          'json',
          {
            criteria,
          },
        );
        expect(fromJson).toEqual({ ok: true, document });
      }),
      { numRuns: 200 },
    );
  });
});
