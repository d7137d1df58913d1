import { parseDocument } from 'yaml';
import { FREQUENCIES, isFrequency } from '@vigil/domain';
import {
  AssignmentSpec,
  CATALOG_ID_PATTERN,
  CatalogDocument,
  CatalogFault,
  ControlSpec,
  DEFAULT_TOLERABLE_DEVIATION_RATE,
  ServiceSpec,
} from './catalog-document';

export type CatalogFormat = 'yaml' | 'json';

export type CatalogParseResult =
  { ok: true; document: CatalogDocument } | { ok: false; errors: CatalogFault[] };

export interface CatalogValidationOptions {
  /** The Trust Services Criteria ids Vigil knows (the `criteria` table). */
  criteria: ReadonlySet<string>;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const MAX_TEXT = 200;
const MAX_DESCRIPTION = 10_000;

const TOP_LEVEL_KEYS = ['services', 'controls', 'assignments'] as const;
const SERVICE_KEYS = ['id', 'name', 'owner', 'description'];
const CONTROL_KEYS = [
  'id',
  'title',
  'description',
  'owner',
  'criteria',
  'frequency',
  'tolerableDeviationRate',
];
const ASSIGNMENT_KEYS = ['service', 'control', 'from', 'to'];

/** Reads YAML or JSON text into plain data; syntax faults are reported with line and column. */
export function parseCatalogText(
  text: string,
  format: CatalogFormat,
): { ok: true; value: unknown } | { ok: false; errors: CatalogFault[] } {
  if (format === 'json') {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, errors: [{ pointer: '', detail: `not valid JSON: ${message}` }] };
    }
  }
  // The core schema keeps timestamps as strings (validated below), and duplicate keys are faults.
  const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (parsed.errors.length > 0) {
    return {
      ok: false,
      errors: parsed.errors.map((e) => {
        const at = e.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}: ` : '';
        return { pointer: '', detail: `not valid YAML: ${where}${e.message.split('\n')[0]}` };
      }),
    };
  }
  try {
    return { ok: true, value: parsed.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [{ pointer: '', detail: `not valid YAML: ${message}` }] };
  }
}

/** Parses and validates a catalogue document in one step. */
export function parseCatalogDocument(
  text: string,
  format: CatalogFormat,
  options: CatalogValidationOptions,
): CatalogParseResult {
  const parsed = parseCatalogText(text, format);
  return parsed.ok ? validateCatalogDocument(parsed.value, options) : parsed;
}

/**
 * Validates plain data as a catalogue document and normalises it (defaults filled in, times as
 * Dates). Every fault is reported at once, each with the JSON Pointer of the offending value,
 * so a platform team fixes a document in one round.
 */
export function validateCatalogDocument(
  input: unknown,
  options: CatalogValidationOptions,
): CatalogParseResult {
  const errors: CatalogFault[] = [];
  const fault = (pointer: string, detail: string) => errors.push({ pointer, detail });
  if (!isRecord(input)) {
    fault('', 'the document must be a mapping with services, controls and assignments');
    return { ok: false, errors };
  }
  unknownKeys(input, TOP_LEVEL_KEYS, '', fault);
  const lists = {} as Record<(typeof TOP_LEVEL_KEYS)[number], unknown[]>;
  for (const key of TOP_LEVEL_KEYS) {
    const value = input[key];
    if (value === undefined || value === null) {
      // The document is the whole desired state: an omitted list would retire everything in it.
      fault(`/${key}`, `is required (a list; write "${key}: []" for none)`);
      lists[key] = [];
    } else if (!Array.isArray(value)) {
      fault(`/${key}`, 'must be a list');
      lists[key] = [];
    } else {
      lists[key] = value;
    }
  }

  const services = lists.services.map((item, i) => readService(item, `/services/${i}`, fault));
  const controls = lists.controls.map((item, i) =>
    readControl(item, `/controls/${i}`, options.criteria, fault),
  );
  duplicateIds(services, 'services', fault);
  duplicateIds(controls, 'controls', fault);

  // An assignment may name a service or control whose other fields are at fault: that fault is
  // reported where it is, not again as an unknown reference.
  const serviceIds = declaredIds(lists.services);
  const controlIds = declaredIds(lists.controls);
  const assignments = lists.assignments.map((item, i) =>
    readAssignment(item, `/assignments/${i}`, serviceIds, controlIds, fault),
  );
  overlappingAssignments(assignments, fault);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    document: {
      services: services as ServiceSpec[],
      controls: controls as ControlSpec[],
      assignments: assignments as AssignmentSpec[],
    },
  };
}

type Fault = (pointer: string, detail: string) => void;

function readService(item: unknown, at: string, fault: Fault): ServiceSpec | null {
  if (!isRecord(item)) {
    fault(at, 'must be a mapping with id, name and owner');
    return null;
  }
  unknownKeys(item, SERVICE_KEYS, at, fault);
  const id = readId(item.id, `${at}/id`, fault);
  const name = readText(item.name, `${at}/name`, true, MAX_TEXT, fault);
  const owner = readText(item.owner, `${at}/owner`, true, MAX_TEXT, fault);
  const description = readText(
    item.description,
    `${at}/description`,
    false,
    MAX_DESCRIPTION,
    fault,
  );
  if (id === null || name === null || owner === null || description === undefined) return null;
  return { id, name, owner, description };
}

function readControl(
  item: unknown,
  at: string,
  known: ReadonlySet<string>,
  fault: Fault,
): ControlSpec | null {
  if (!isRecord(item)) {
    fault(at, 'must be a mapping with id, title, criteria and frequency');
    return null;
  }
  unknownKeys(item, CONTROL_KEYS, at, fault);
  const id = readId(item.id, `${at}/id`, fault);
  const title = readText(item.title, `${at}/title`, true, MAX_TEXT * 2, fault);
  const description = readText(
    item.description,
    `${at}/description`,
    false,
    MAX_DESCRIPTION,
    fault,
  );
  const owner = readText(item.owner, `${at}/owner`, false, MAX_TEXT, fault);
  const criteria = readCriteria(item.criteria, `${at}/criteria`, known, fault);
  let frequency: ControlSpec['frequency'] | null = null;
  if (item.frequency === undefined || item.frequency === null) {
    fault(`${at}/frequency`, `is required (one of ${FREQUENCIES.join(', ')})`);
  } else if (!isFrequency(item.frequency)) {
    fault(`${at}/frequency`, `must be one of ${FREQUENCIES.join(', ')}`);
  } else {
    frequency = item.frequency;
  }
  let rate: number | null = DEFAULT_TOLERABLE_DEVIATION_RATE;
  const rawRate = item.tolerableDeviationRate;
  if (rawRate !== undefined && rawRate !== null) {
    if (typeof rawRate !== 'number' || !Number.isFinite(rawRate) || rawRate < 0 || rawRate > 1) {
      fault(`${at}/tolerableDeviationRate`, 'must be a number from 0 to 1 (e.g. 0.05 for 5 %)');
      rate = null;
    } else {
      rate = rawRate;
    }
  }
  if (
    id === null ||
    title === null ||
    description === undefined ||
    owner === undefined ||
    criteria === null ||
    frequency === null ||
    rate === null
  ) {
    return null;
  }
  return { id, title, description, owner, criteria, frequency, tolerableDeviationRate: rate };
}

function readCriteria(
  value: unknown,
  at: string,
  known: ReadonlySet<string>,
  fault: Fault,
): string[] | null {
  if (value === undefined || value === null) {
    fault(at, 'is required: the Trust Services Criteria the control serves, e.g. [CC6.1]');
    return null;
  }
  if (!Array.isArray(value) || value.length === 0) {
    fault(at, 'must be a non-empty list of Trust Services Criteria ids, e.g. [CC6.1]');
    return null;
  }
  let ok = true;
  const seen = new Set<string>();
  value.forEach((criterion: unknown, i) => {
    if (typeof criterion !== 'string') {
      fault(`${at}/${i}`, 'must be a Trust Services Criteria id such as CC6.1');
      ok = false;
    } else if (!known.has(criterion)) {
      fault(
        `${at}/${i}`,
        `unknown criterion "${criterion}": not an AICPA 2017 TSC id (CC1.1 … P8.1)`,
      );
      ok = false;
    } else if (seen.has(criterion)) {
      fault(`${at}/${i}`, `"${criterion}" is listed twice`);
      ok = false;
    } else {
      seen.add(criterion);
    }
  });
  return ok ? (value as string[]) : null;
}

function readAssignment(
  item: unknown,
  at: string,
  services: ReadonlySet<string>,
  controls: ReadonlySet<string>,
  fault: Fault,
): AssignmentSpec | null {
  if (!isRecord(item)) {
    fault(at, 'must be a mapping with service, control and from');
    return null;
  }
  unknownKeys(item, ASSIGNMENT_KEYS, at, fault);
  const service = readId(item.service, `${at}/service`, fault);
  if (service !== null && !services.has(service)) {
    fault(`${at}/service`, `unknown service "${service}": not in this document's services`);
  }
  const control = readId(item.control, `${at}/control`, fault);
  if (control !== null && !controls.has(control)) {
    fault(`${at}/control`, `unknown control "${control}": not in this document's controls`);
  }
  const from = readInstant(item.from, `${at}/from`, true, fault);
  const to = readInstant(item.to, `${at}/to`, false, fault);
  if (from instanceof Date && to instanceof Date && to.getTime() <= from.getTime()) {
    fault(`${at}/to`, 'must be after from');
    return null;
  }
  if (service === null || control === null || !(from instanceof Date) || to === undefined) {
    return null;
  }
  return { service, control, from, to };
}

function readId(value: unknown, at: string, fault: Fault): string | null {
  if (value === undefined || value === null) {
    fault(at, 'is required');
    return null;
  }
  if (typeof value !== 'string' || !CATALOG_ID_PATTERN.test(value)) {
    fault(at, `must match ${CATALOG_ID_PATTERN.source} (letters, digits, ".", "_", ":", "-")`);
    return null;
  }
  return value;
}

/** A string field; `null` = invalid or missing required, `undefined` never for required ones. */
function readText(
  value: unknown,
  at: string,
  required: true,
  max: number,
  fault: Fault,
): string | null;
function readText(
  value: unknown,
  at: string,
  required: false,
  max: number,
  fault: Fault,
): string | null | undefined;
function readText(
  value: unknown,
  at: string,
  required: boolean,
  max: number,
  fault: Fault,
): string | null | undefined {
  if (value === undefined || value === null) {
    if (required) fault(at, 'is required');
    return null;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    fault(at, 'must be a non-empty string');
    return required ? null : undefined;
  }
  if (value.length > max) {
    fault(at, `must be at most ${max} characters`);
    return required ? null : undefined;
  }
  return value;
}

/** An RFC 3339 instant with an explicit offset; `undefined` = invalid. */
function readInstant(
  value: unknown,
  at: string,
  required: boolean,
  fault: Fault,
): Date | null | undefined {
  if (value === undefined || value === null) {
    if (required) {
      fault(at, 'is required (an RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z)');
      return undefined;
    }
    return null;
  }
  if (typeof value !== 'string' || !RFC3339.test(value)) {
    fault(at, 'must be an RFC 3339 date-time with offset, e.g. 2026-01-01T00:00:00Z');
    return undefined;
  }
  const date = new Date(value);
  if (
    Number.isNaN(date.getTime()) ||
    date.getUTCFullYear() < 1970 ||
    date.getUTCFullYear() > 9999
  ) {
    fault(at, 'is not a valid date-time between 1970 and 9999');
    return undefined;
  }
  return date;
}

function duplicateIds(
  items: Array<{ id: string } | null>,
  list: 'services' | 'controls',
  fault: Fault,
): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    if (!item) return;
    const earlier = first.get(item.id);
    if (earlier === undefined) first.set(item.id, i);
    else fault(`/${list}/${i}/id`, `duplicate id "${item.id}" (also /${list}/${earlier}/id)`);
  });
}

/** Intervals of one (service, control) pair must not overlap: an instant is in scope once. */
function overlappingAssignments(assignments: Array<AssignmentSpec | null>, fault: Fault): void {
  const byPair = new Map<string, Array<{ a: AssignmentSpec; index: number }>>();
  assignments.forEach((a, index) => {
    if (!a) return;
    const key = `${a.service}\u0000${a.control}`;
    const list = byPair.get(key) ?? [];
    list.push({ a, index });
    byPair.set(key, list);
  });
  for (const list of byPair.values()) {
    list.sort((x, y) => x.a.from.getTime() - y.a.from.getTime() || x.index - y.index);
    let reach: { end: number; index: number } | null = null;
    for (const { a, index } of list) {
      if (reach && a.from.getTime() < reach.end) {
        fault(
          `/assignments/${index}`,
          `overlaps /assignments/${reach.index}: ${a.service} / ${a.control} would be in scope twice`,
        );
      }
      const end = a.to ? a.to.getTime() : Number.POSITIVE_INFINITY;
      if (!reach || end > reach.end) reach = { end, index };
    }
  }
}

function unknownKeys(
  record: Record<string, unknown>,
  allowed: readonly string[],
  at: string,
  fault: Fault,
): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      fault(`${at}/${escapePointer(key)}`, `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function declaredIds(items: readonly unknown[]): Set<string> {
  const ids = new Set<string>();
  for (const item of items) {
    if (isRecord(item) && typeof item.id === 'string' && CATALOG_ID_PATTERN.test(item.id)) {
      ids.add(item.id);
    }
  }
  return ids;
}
