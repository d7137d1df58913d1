import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { K8sObject, isObject } from './kustomize';

/**
 * Validates Kubernetes objects against the OpenAPI-derived JSON schemas vendored in
 * test/fixtures/k8s-schemas (Kubernetes 1.25; how they were extracted is in that folder).
 * Like kubeconform's strict mode, an object schema rejects fields it does not define, so a
 * misspelt `readinesProbe` fails instead of being ignored by the API server's pruning.
 */
const SCHEMA_FILE = join(__dirname, '..', '..', 'fixtures', 'k8s-schemas', 'definitions.json');

// From @kubernetes-models/validate (MIT): the formats the Kubernetes schemas use beyond ajv-formats.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const QUANTITY =
  /^[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)(?:[KMGTPE]i|[YZEPTGMkhdcmunpfazy]|da|[eE][+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+))?$/;

function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!isObject(schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    copy[k] =
      k === 'properties' && isObject(v)
        ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strict(s)]))
        : k === 'enum' || k === 'required'
          ? v
          : strict(v);
  }
  if (isObject(copy.properties) && copy.additionalProperties === undefined)
    copy.additionalProperties = false;
  return copy;
}

export class KubernetesSchemas {
  private readonly ajv: Ajv;
  readonly ids: string[];

  constructor() {
    const file = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as {
      definitions: Record<string, object>;
    };
    this.ajv = new Ajv({ strictTypes: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('byte', { type: 'string', validate: (v: string) => BASE64.test(v) });
    this.ajv.addFormat('quantity', { type: 'string', validate: QUANTITY });
    for (const [id, schema] of Object.entries(file.definitions))
      this.ajv.addSchema(strict(schema) as object, id);
    this.ids = Object.keys(file.definitions);
  }

  /** `apps/v1` + `Deployment` → `io.k8s.api.apps.v1.Deployment`. */
  static definitionId(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes('/')
      ? apiVersion.split('/')
      : ['core', apiVersion];
    return `io.k8s.api.${group.split('.')[0]}.${version}.${kind}`;
  }

  /** The schema errors of one object, as `instancePath message` lines; empty when valid. */
  validate(object: K8sObject): string[] {
    const id = KubernetesSchemas.definitionId(object.apiVersion, object.kind);
    const validate: ValidateFunction | undefined = this.ajv.getSchema(id);
    if (!validate) return [`no vendored schema for ${object.apiVersion} ${object.kind} (${id})`];
    if (validate(object)) return [];
    return (validate.errors ?? []).map(
      (e: ErrorObject) =>
        `${e.instancePath || '/'} ${e.message ?? e.keyword}${
          e.keyword === 'additionalProperties'
            ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
            : ''
        }`,
    );
  }
}
