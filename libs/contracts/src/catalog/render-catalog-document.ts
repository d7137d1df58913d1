import { Document, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import { CatalogDocument, formatCatalogInstant } from './catalog-document';

/** The plain (JSON) form of a catalogue document: what `GET /api/v1/catalog` answers. */
export interface CatalogDocumentJson {
  services: Array<{ id: string; name: string; owner: string; description?: string }>;
  controls: Array<{
    id: string;
    title: string;
    description?: string;
    owner?: string;
    criteria: string[];
    frequency: string;
    tolerableDeviationRate: number;
  }>;
  assignments: Array<{ service: string; control: string; from: string; to?: string }>;
}

/** Optional fields that are unset are left out, so the output reads like a hand-written file. */
export function catalogDocumentToJson(document: CatalogDocument): CatalogDocumentJson {
  return {
    services: document.services.map((s) => ({
      id: s.id,
      name: s.name,
      owner: s.owner,
      ...(s.description !== null ? { description: s.description } : {}),
    })),
    controls: document.controls.map((c) => ({
      id: c.id,
      title: c.title,
      ...(c.description !== null ? { description: c.description } : {}),
      ...(c.owner !== null ? { owner: c.owner } : {}),
      criteria: [...c.criteria],
      frequency: c.frequency,
      tolerableDeviationRate: c.tolerableDeviationRate,
    })),
    assignments: document.assignments.map((a) => ({
      service: a.service,
      control: a.control,
      from: formatCatalogInstant(a.from),
      ...(a.to !== null ? { to: formatCatalogInstant(a.to) } : {}),
    })),
  };
}

/**
 * YAML in the style of SPEC §4: criteria and assignments on one line each. Parsing the output
 * gives back the same document (times stay strings under the core schema).
 */
export function catalogDocumentToYaml(document: CatalogDocument): string {
  const yaml = new Document(catalogDocumentToJson(document));
  yaml.commentBefore = ' Vigil catalogue (SPEC §4): apply with `vigil catalog apply <file>`';
  visit(yaml, {
    Pair(_key, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || !isSeq(pair.value)) return;
      if (pair.key.value === 'criteria') pair.value.flow = true;
      if (pair.key.value === 'assignments') {
        for (const item of pair.value.items) if (isMap(item)) item.flow = true;
      }
    },
  });
  return yaml.toString({ lineWidth: 0, flowCollectionPadding: false });
}
