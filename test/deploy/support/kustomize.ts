import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

/**
 * A minimal Kustomize renderer for the tests: exactly the features deploy/k8s uses
 * (resources, namespace, images, labels with includeTemplates, strategic-merge patches by
 * path). Anything else in a kustomization.yaml is an error, so a manifest change that needs
 * more Kustomize than this fails the test instead of being silently mis-rendered.
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

type Json = Record<string, unknown>;

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  labels?: {
    pairs: Record<string, string>;
    includeTemplates?: boolean;
    includeSelectors?: boolean;
  }[];
  patches?: { path?: string; patch?: string; target?: unknown }[];
}

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'images',
  'labels',
  'patches',
]);
const CLUSTER_SCOPED_KINDS = new Set(['Namespace']);
const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
/** Strategic-merge keys of the lists the patches touch (Kubernetes' patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
};

export class KustomizeError extends Error {}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new KustomizeError(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as unknown;
    })
    .filter((value) => value !== null && value !== undefined)
    .map((value) => {
      if (!isObject(value) || typeof value.kind !== 'string' || !isObject(value.metadata))
        throw new KustomizeError(`${file}: every document must be a Kubernetes object`);
      return value as K8sObject;
    });
}

function readKustomization(dir: string): Kustomization {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError(`${dir} has no kustomization.yaml`);
  const k: unknown = parse(readFileSync(file, 'utf8'));
  if (!isObject(k)) throw new KustomizeError(`${file} is not a mapping`);
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED_FIELDS.has(key));
  if (unsupported.length > 0)
    throw new KustomizeError(
      `${file}: unsupported by the test renderer: ${unsupported.join(', ')}`,
    );
  return k;
}

function key(o: K8sObject): string {
  return `${o.kind}/${o.metadata.name}`;
}

/** Renders a kustomization directory to its objects, in resource order. */
export function renderKustomization(dir: string): K8sObject[] {
  const root = resolve(dir);
  const k = readKustomization(root);
  let objects: K8sObject[] = [];
  for (const entry of k.resources ?? []) {
    const path = join(root, entry);
    if (!existsSync(path)) throw new KustomizeError(`${root}: resource ${entry} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path)));
  }
  const seen = new Set<string>();
  for (const o of objects) {
    if (seen.has(key(o))) throw new KustomizeError(`${root}: ${key(o)} is defined twice`);
    seen.add(key(o));
  }

  for (const patch of k.patches ?? []) {
    if (patch.path === undefined || patch.patch !== undefined || patch.target !== undefined)
      throw new KustomizeError(`${root}: only patches by path (strategic merge) are supported`);
    for (const p of readObjects(join(root, patch.path))) {
      const index = objects.findIndex((o) => key(o) === key(p));
      if (index < 0) throw new KustomizeError(`${patch.path}: no ${key(p)} to patch`);
      objects[index] = strategicMerge(objects[index], p, '') as K8sObject;
    }
  }

  if (k.namespace !== undefined) {
    const namespace = k.namespace;
    objects = objects.map((o) =>
      CLUSTER_SCOPED_KINDS.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace } },
    );
  }

  for (const label of k.labels ?? []) {
    if (label.includeSelectors)
      throw new KustomizeError(`${root}: labels.includeSelectors is not supported`);
    objects = objects.map((o) => addLabels(o, label.pairs, label.includeTemplates ?? false));
  }

  for (const image of k.images ?? []) objects = objects.map((o) => setImage(o, image));
  return objects;
}

function addLabels(o: K8sObject, pairs: Record<string, string>, templates: boolean): K8sObject {
  const copy = structuredClone(o);
  copy.metadata.labels = { ...copy.metadata.labels, ...pairs };
  const template = podTemplate(copy);
  if (templates && template) {
    const metadata = isObject(template.metadata) ? template.metadata : {};
    metadata.labels = { ...(metadata.labels as Record<string, string> | undefined), ...pairs };
    template.metadata = metadata;
  }
  return copy;
}

/** The pod template of a workload (spec.template), or undefined. */
export function podTemplate(o: K8sObject): Json | undefined {
  if (!POD_TEMPLATE_KINDS.has(o.kind) || !isObject(o.spec)) return undefined;
  return isObject(o.spec.template) ? o.spec.template : undefined;
}

/** The containers (and init containers) of a workload's pod template. */
export function containersOf(o: K8sObject): Json[] {
  const spec = podTemplate(o)?.spec;
  if (!isObject(spec)) return [];
  return ['initContainers', 'containers'].flatMap((field) =>
    Array.isArray(spec[field]) ? (spec[field] as Json[]) : [],
  );
}

function setImage(
  o: K8sObject,
  image: { name: string; newName?: string; newTag?: string },
): K8sObject {
  const copy = structuredClone(o);
  for (const container of containersOf(copy)) {
    if (typeof container.image !== 'string') continue;
    const { name, tag } = splitImage(container.image);
    if (name !== image.name) continue;
    const newTag = image.newTag ?? tag;
    container.image = `${image.newName ?? name}${newTag === undefined ? '' : `:${newTag}`}`;
  }
  return copy;
}

/** `registry:5000/repo/name:tag` → name `registry:5000/repo/name`, tag `tag`. */
export function splitImage(image: string): { name: string; tag?: string } {
  if (image.includes('@')) throw new KustomizeError(`digests are not supported: ${image}`);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash
    ? { name: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { name: image };
}

function strategicMerge(target: unknown, patch: unknown, field: string): unknown {
  if (isObject(patch) && '$patch' in patch)
    throw new KustomizeError('$patch directives are not supported');
  if (isObject(target) && isObject(patch)) {
    const merged: Json = { ...target };
    for (const [k, value] of Object.entries(patch)) {
      if (value === null) delete merged[k];
      else merged[k] = strategicMerge(target[k], value, k);
    }
    return merged;
  }
  const mergeKey = MERGE_KEYS[field];
  if (mergeKey && Array.isArray(target) && Array.isArray(patch)) {
    const merged: unknown[] = target.map((item) => structuredClone(item));
    for (const item of patch) {
      const index = merged.findIndex(
        (existing) => isObject(existing) && isObject(item) && existing[mergeKey] === item[mergeKey],
      );
      if (index < 0) merged.push(item);
      else merged[index] = strategicMerge(merged[index], item, '');
    }
    return merged;
  }
  return structuredClone(patch);
}

/** The folder of this repository's Kubernetes manifests. */
export const K8S_DIR = join(dirname(dirname(dirname(__dirname))), 'deploy', 'k8s');
