import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kafkaVariables, loadConfig } from '@vigil/platform';
import { APP_SCHEMAS, programOf } from './support/programs';
import { REPO } from './support/observability';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string | number>;
  profiles?: string[];
}

const compose = parse(readFileSync(join(REPO, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, ComposeService> };
const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');

/** Compose's `${NAME:-default}` with the environment unset, as scripts/check-compose.sh does. */
function interpolate(value: string | number): string {
  return String(value).replace(/\$\{\w+:-([^}]*)\}/g, '$1');
}

function environment(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v)]),
  );
}

const nodeServices = Object.entries(compose.services).filter(
  ([name, s]) => s.command?.[0] === 'node' && name !== 'demo',
);

describe('docker-compose.yml and Dockerfile', () => {
  it.each(nodeServices)(
    'gives %s only variables its program defines, with values it accepts',
    (_name, service) => {
      const { schema, source } = programOf(service.command);
      expect(existsSync(join(REPO, source))).toBe(true);
      const env = environment(service);
      expect(Object.keys(env).filter((v) => !(v in schema))).toEqual([]);
      expect(() => loadConfig(schema, env)).not.toThrow();
    },
  );

  it.each(Object.entries(APP_SCHEMAS))(
    'runs %s on the default port of its schema, as the Dockerfile exposes and probes it',
    (app, schema) => {
      const service = compose.services[app];
      const port = schema.PORT.default!;
      expect(service.command).toEqual([
        'node',
        // api and ingest carry a heap cap (docs/benchmarks.md); the evaluator does not.
        ...(app === 'evaluator' ? [] : ['--max-old-space-size=160']),
        `dist/apps/${app}/src/main.js`,
      ]);
      expect(String(service.environment?.PORT)).toBe(port);
      expect(dockerfile).toMatch(new RegExp(`^EXPOSE .*\\b${port}\\b`, 'm'));
      expect(dockerfile).toContain(`${app}:${port}`);
    },
  );

  it('uses the topic names of the shared Kafka variables (SPEC §3)', () => {
    const env = environment(compose.services.ingest);
    for (const name of ['VIGIL_TOPIC_RESULTS', 'VIGIL_TOPIC_DLQ', 'VIGIL_TOPIC_STATUS'] as const)
      expect(env[name]).toBe(kafkaVariables[name].default);
  });

  it('gives the demo producer only variables scripts/demo-producer.ts reads', () => {
    const demo = compose.services.demo;
    expect(demo.profiles).toEqual(['demo']);
    const source = readFileSync(join(REPO, 'scripts', 'demo-producer.ts'), 'utf8');
    for (const name of Object.keys(environment(demo))) expect(source).toContain(`${name}:`);
  });

  it('runs the image as a numeric non-root user and the app chosen by VIGIL_APP', () => {
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toContain('exec node dist/apps/${VIGIL_APP}/src/main.js');
  });
});
