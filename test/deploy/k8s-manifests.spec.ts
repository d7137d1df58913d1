import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '@vigil/platform';
import { KubernetesSchemas } from './support/k8s-schema';
import { programOf as programOfCommand } from './support/programs';
import {
  K8S_DIR,
  K8sObject,
  containersOf,
  isObject,
  podTemplate,
  renderKustomization,
  splitImage,
} from './support/kustomize';

const REPO = join(K8S_DIR, '..', '..');

const VARIANTS = [
  { name: 'base', dir: join(K8S_DIR, 'base') },
  { name: 'overlays/example', dir: join(K8S_DIR, 'overlays', 'example') },
];

type Json = Record<string, unknown>;

function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => podTemplate(o) !== undefined);
}

function deployment(objects: K8sObject[], name: string): K8sObject {
  const found = find(objects, 'Deployment', name);
  if (!found) throw new Error(`no Deployment ${name}`);
  return found;
}

function spec(o: K8sObject): Json {
  return o.spec as Json;
}

function mainContainer(o: K8sObject): Json {
  return containersOf(o)[0];
}

function programOf(container: Json) {
  return programOfCommand(container.command);
}

function configMapData(objects: K8sObject[], name: string): Record<string, string> {
  const map = find(objects, 'ConfigMap', name);
  if (!map) throw new Error(`ConfigMap ${name} is referenced but not rendered`);
  return (map.data ?? {}) as Record<string, string>;
}

/**
 * The environment a container gets: envFrom ConfigMaps, then env; a secretKeyRef takes the
 * Secret's value when the rendering has the Secret (the overlay's placeholder), else it is
 * left out (the base only references the Secret).
 */
function containerEnv(objects: K8sObject[], container: Json): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const source of (container.envFrom ?? []) as Json[]) {
    if (!isObject(source.configMapRef)) throw new Error('envFrom supports configMapRef only');
    Object.assign(env, configMapData(objects, source.configMapRef.name as string));
  }
  for (const variable of (container.env ?? []) as Json[]) {
    const name = variable.name as string;
    if (typeof variable.value === 'string') env[name] = variable.value;
    else if (isObject(variable.valueFrom) && isObject(variable.valueFrom.secretKeyRef)) {
      const ref = variable.valueFrom.secretKeyRef;
      const secret = find(objects, 'Secret', ref.name as string);
      env[name] = (secret?.stringData as Record<string, string> | undefined)?.[ref.key as string];
    } else throw new Error(`${name}: only value and secretKeyRef are used`);
  }
  return env;
}

function quantityBytes(q: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unexpected memory quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 ** 3 : 1024 ** 2);
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined) {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

const schemas = new KubernetesSchemas();

describe('Kubernetes manifests', () => {
  describe.each(VARIANTS)('$name', ({ name, dir }) => {
    const objects = renderKustomization(dir);
    const overlay = name !== 'base';

    it('renders the workloads, Services, budgets, autoscaler and Jobs of issue 8', () => {
      const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(names).toEqual(
        expect.arrayContaining([
          'Deployment/vigil-api',
          'Deployment/vigil-ingest',
          'Deployment/vigil-evaluator',
          'Job/vigil-migrate',
          'Job/vigil-topics',
          'Service/vigil-api',
          'Service/vigil-ingest',
          'Service/vigil-evaluator',
          'ConfigMap/vigil-common',
          'ConfigMap/vigil-kafka',
          'PodDisruptionBudget/vigil-api',
          'PodDisruptionBudget/vigil-ingest',
          'PodDisruptionBudget/vigil-evaluator',
          'HorizontalPodAutoscaler/vigil-api',
        ]),
      );
      if (overlay)
        expect(names).toEqual(
          expect.arrayContaining(['Namespace/vigil-example', 'Secret/vigil-secrets']),
        );
      else expect(names.filter((n) => /^(Namespace|Secret)\//.test(n))).toEqual([]);
    });

    it.each(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))(
      'validates %s against the Kubernetes schema',
      (_label, object) => {
        expect(schemas.validate(object)).toEqual([]);
      },
    );

    it('gives each container only variables its program defines, with values it accepts', () => {
      for (const workload of workloads(objects)) {
        for (const container of containersOf(workload)) {
          const { schema, source } = programOf(container);
          expect(existsSync(join(REPO, source))).toBe(true);
          const env = containerEnv(objects, container);
          const unknown = Object.keys(env).filter((v) => !(v in schema));
          expect({ container: container.name, unknown }).toEqual({
            container: container.name,
            unknown: [],
          });
          expect(() => loadConfig(schema, env)).not.toThrow();
          expect(env).not.toHaveProperty('INGEST_FAULT');
        }
      }
    });

    it('takes DATABASE_URL and the bootstrap admin key from the Secret, never a ConfigMap', () => {
      for (const map of objects.filter((o) => o.kind === 'ConfigMap'))
        expect(Object.keys((map.data ?? {}) as Json)).not.toEqual(
          expect.arrayContaining(['DATABASE_URL']),
        );
      for (const workload of workloads(objects)) {
        const container = mainContainer(workload);
        const env = (container.env ?? []) as Json[];
        const url = env.find((v) => v.name === 'DATABASE_URL');
        if (programOf(container).schema.DATABASE_URL)
          expect(url).toEqual({
            name: 'DATABASE_URL',
            valueFrom: { secretKeyRef: { name: 'vigil-secrets', key: 'DATABASE_URL' } },
          });
      }
      const apiEnv = (mainContainer(deployment(objects, 'vigil-api')).env ?? []) as Json[];
      expect(apiEnv.find((v) => v.name === 'VIGIL_BOOTSTRAP_ADMIN_KEY')?.valueFrom).toEqual({
        secretKeyRef: { name: 'vigil-secrets', key: 'VIGIL_BOOTSTRAP_ADMIN_KEY', optional: true },
      });
    });

    it('probes /health/live for liveness and start-up and /health/ready for readiness', () => {
      for (const name of ['vigil-api', 'vigil-ingest', 'vigil-evaluator']) {
        const container = mainContainer(deployment(objects, name));
        const probe = (field: string) => (container[field] as { httpGet: Json }).httpGet;
        expect(probe('livenessProbe')).toEqual({ path: '/health/live', port: 'http' });
        expect(probe('startupProbe')).toEqual({ path: '/health/live', port: 'http' });
        expect(probe('readinessProbe')).toEqual({ path: '/health/ready', port: 'http' });
        const port = (container.ports as Json[]).find((p) => p.name === 'http')!.containerPort;
        expect(String(port)).toBe(containerEnv(objects, container).PORT);
      }
    });

    it('runs no more ingest replicas than the results topic has partitions', () => {
      const replicas = spec(deployment(objects, 'vigil-ingest')).replicas as number;
      const partitions = Number(configMapData(objects, 'vigil-kafka').VIGIL_TOPIC_PARTITIONS);
      expect(replicas).toBeGreaterThanOrEqual(2);
      expect(replicas).toBeLessThanOrEqual(partitions);
      expect(spec(deployment(objects, 'vigil-ingest')).strategy).toMatchObject({
        rollingUpdate: { maxSurge: 0 },
      });
    });

    it('runs two evaluators (one leader) and lets the autoscaler own the API replicas', () => {
      expect(spec(deployment(objects, 'vigil-evaluator')).replicas).toBe(2);
      expect(spec(deployment(objects, 'vigil-api'))).not.toHaveProperty('replicas');
      const hpa = spec(find(objects, 'HorizontalPodAutoscaler', 'vigil-api')!);
      expect(hpa.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'vigil-api',
      });
      expect(hpa.minReplicas as number).toBeGreaterThanOrEqual(2);
      expect(hpa.maxReplicas as number).toBeGreaterThan(hpa.minReplicas as number);
    });

    it('uses one image repository with an explicit tag everywhere', () => {
      const images = workloads(objects).flatMap((w) =>
        containersOf(w).map((c) => c.image as string),
      );
      const parts = images.map(splitImage);
      expect(new Set(parts.map((p) => p.name)).size).toBe(1);
      for (const p of parts) expect(p.tag).toMatch(/^[\w][\w.-]{0,127}$/);
      expect(parts[0].tag).not.toBe('latest');
      if (overlay) expect(parts[0].name).toBe('registry.example.com/acme/vigil');
    });

    it('runs every pod as non-root with a read-only root, no privileges and bounded resources', () => {
      for (const workload of workloads(objects)) {
        const pod = podTemplate(workload)!.spec as Json;
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const container of containersOf(workload)) {
          expect(container.securityContext).toEqual({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          });
          const resources = container.resources as { requests: Json; limits: Json };
          expect(Object.keys(resources.requests).sort()).toEqual(['cpu', 'memory']);
          expect(Object.keys(resources.limits).sort()).toEqual(['cpu', 'memory']);
          expect(quantityBytes(resources.limits.memory as string)).toBeGreaterThanOrEqual(
            quantityBytes(resources.requests.memory as string),
          );
        }
      }
      const ingestLimit = (
        mainContainer(deployment(objects, 'vigil-ingest')).resources as {
          limits: { memory: string };
        }
      ).limits.memory;
      expect(quantityBytes(ingestLimit)).toBeGreaterThanOrEqual(256 * 1024 ** 2);
      expect(quantityBytes(ingestLimit)).toBeLessThanOrEqual(512 * 1024 ** 2);
    });

    it('annotates every app pod for Prometheus on its HTTP port, /metrics', () => {
      for (const name of ['vigil-api', 'vigil-ingest', 'vigil-evaluator']) {
        const template = podTemplate(deployment(objects, name))!;
        const container = mainContainer(deployment(objects, name));
        const port = (container.ports as Json[])[0].containerPort;
        expect((template.metadata as Json).annotations).toEqual({
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(port),
          'prometheus.io/path': '/metrics',
        });
      }
    });

    it('selects pods that exist from every Service and budget', () => {
      const podLabels = workloads(objects).map(
        (w) => (podTemplate(w)!.metadata as { labels: Record<string, string> }).labels,
      );
      for (const service of objects.filter((o) => o.kind === 'Service')) {
        const selector = spec(service).selector as Record<string, string>;
        expect(podLabels.filter((l) => matches(selector, l))).toHaveLength(1);
        const target = deployment(objects, service.metadata.name);
        const ports = (mainContainer(target).ports as Json[]).map((p) => p.name);
        for (const port of spec(service).ports as Json[]) expect(ports).toContain(port.targetPort);
      }
      for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
        const selector = (spec(pdb).selector as { matchLabels: Record<string, string> })
          .matchLabels;
        expect(podLabels.filter((l) => matches(selector, l))).toHaveLength(1);
      }
      for (const workload of objects.filter((o) => o.kind === 'Deployment')) {
        const selector = (spec(workload).selector as { matchLabels: Record<string, string> })
          .matchLabels;
        expect(matches(selector, (podTemplate(workload)!.metadata as Json).labels as never)).toBe(
          true,
        );
      }
    });

    it('runs the migration and topic provisioning as Jobs with the documented commands', () => {
      const command = (job: string) => mainContainer(find(objects, 'Job', job)!).command;
      expect(command('vigil-migrate')).toEqual([
        'node',
        'dist/libs/persistence/src/migrate.js',
        'up',
      ]);
      expect(command('vigil-topics')).toEqual([
        'node',
        'dist/apps/cli/src/main.js',
        'kafka',
        'ensure-topics',
      ]);
      expect(configMapData(objects, 'vigil-kafka').VIGIL_TOPIC_AUTO_CREATE).toBe('false');
    });

    if (overlay) {
      it('puts every namespaced object in the overlay namespace', () => {
        for (const o of objects)
          expect(o.metadata.namespace).toBe(o.kind === 'Namespace' ? undefined : 'vigil-example');
      });

      // docs/operations.md applies `-l 'app.kubernetes.io/component in (config,migrate,topics)'`
      // first and waits for the Jobs: that step must hold everything the Jobs need, and no app.
      it('labels a first apply step with the Jobs and all they need, and no app', () => {
        const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];
        expect(objects.every((o) => component(o) !== undefined)).toBe(true);
        const first = objects.filter((o) =>
          ['config', 'migrate', 'topics'].includes(component(o)!),
        );
        expect(first.map((o) => o.kind).sort()).toEqual([
          'ConfigMap',
          'ConfigMap',
          'ConfigMap',
          'ConfigMap',
          'Job',
          'Job',
          'Namespace',
          'Secret',
        ]);
      });

      it('ships only obviously fake secret values', () => {
        const secret = find(objects, 'Secret', 'vigil-secrets')!;
        for (const value of Object.values(secret.stringData as Record<string, string>))
          expect(value).toContain('CHANGE-ME');
      });
    }
  });

  describe(KubernetesSchemas.name, () => {
    const valid = renderKustomization(join(K8S_DIR, 'base')).find((o) => o.kind === 'Deployment')!;

    it('rejects a misspelt field and a wrongly typed value', () => {
      const broken = structuredClone(valid);
      const container = mainContainer(broken);
      container.readinesProbe = container.readinessProbe;
      (broken.spec as Json).replicas = 'two';
      const errors = schemas.validate(broken);
      expect(errors).toEqual(
        expect.arrayContaining([
          expect.stringContaining('(readinesProbe)'),
          expect.stringMatching(/^\/spec\/replicas must be integer/),
        ]),
      );
    });

    it('rejects a bad resource quantity and a missing required field', () => {
      const broken = structuredClone(valid);
      const container = mainContainer(broken);
      (container.resources as { limits: Json }).limits.memory = '512 megabytes';
      delete container.name;
      const errors = schemas.validate(broken).join('\n');
      expect(errors).toMatch(/resources\/limits\/memory/);
      expect(errors).toMatch(/must have required property 'name'/);
    });

    it('has no schema for a kind it was not given, rather than passing it', () => {
      const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'x' } };
      expect(schemas.validate(cronJob)).toEqual([
        'no vendored schema for batch/v1 CronJob (io.k8s.api.batch.v1.CronJob)',
      ]);
    });
  });

  // kubectl embeds Kustomize; where it is installed, the test renderer must agree with it.
  const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
  describe('test renderer', () => {
    it.each(VARIANTS)('renders $name as Kustomize does, where kubectl is installed', ({ dir }) => {
      const ours = renderKustomization(dir);
      const sortKey = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
      expect(ours.length).toBeGreaterThan(10);
      if (!kubectl) return;
      const theirs = parseAllDocuments(
        execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 }),
      ).map((d) => d.toJS() as K8sObject);
      const sorted = (list: K8sObject[]) =>
        [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
      expect(sorted(ours)).toEqual(sorted(theirs));
    });
  });
});
