import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EnvSchema } from '@vigil/platform';
import { OBSERVABILITY_DIR, REPO, metricsIn } from './support/observability';
import { APP_SCHEMAS } from './support/programs';

const doc = readFileSync(join(REPO, 'docs', 'operations.md'), 'utf8');
const schemas: EnvSchema[] = Object.values(APP_SCHEMAS);
const variables = [...new Set(schemas.flatMap((s) => Object.keys(s)))];

function row(name: string): string | undefined {
  return doc.split('\n').find((line) => line.startsWith(`| \`${name}\``));
}

describe('docs/operations.md', () => {
  it.each(variables)('documents %s with the default every app gives it', (name) => {
    const line = row(name);
    expect(line).toBeDefined();
    for (const schema of schemas) {
      const variable = schema[name];
      if (!variable) continue;
      if (variable.default === undefined) expect(line).toMatch(/\|\s*—\s*\|/);
      else expect(line).toContain(`\`${variable.default}\``);
    }
  });

  it('names every alert of the rules file and every metric the alerts and dashboard read', () => {
    const rules = parse(readFileSync(join(OBSERVABILITY_DIR, 'prometheus-rules.yaml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    for (const { alert } of rules.groups.flatMap((g) => g.rules))
      expect(doc).toContain(`\`${alert}\``);
    const dashboard = JSON.parse(
      readFileSync(join(OBSERVABILITY_DIR, 'grafana-dashboard.json'), 'utf8'),
    ) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ];
    for (const metric of new Set(exprs.flatMap(metricsIn)))
      expect({ metric, documented: row(metric) !== undefined }).toEqual({
        metric,
        documented: true,
      });
    expect(doc).toContain('`vigil_pairs_by_verdict`');
  });

  it('points the sizing figures at the benchmark sections', () => {
    for (const section of ['ingest', 'query', 'export'])
      expect(doc).toContain(`(benchmarks.md#${section})`);
  });

  it('links only to files that exist, apart from the benchmarks others are writing', () => {
    const links = [...doc.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);
    // Inside the repository only (SPEC.md lives beside it, in shared/).
    const local = links.filter(
      (l) => !/^https?:/.test(l) && !l.startsWith('../../') && l !== 'benchmarks.md',
    );
    expect(local.length).toBeGreaterThan(0);
    for (const link of local)
      expect({ link, exists: existsSync(join(REPO, 'docs', link)) }).toEqual({
        link,
        exists: true,
      });
  });

  it('shows the commands the manifests run', () => {
    expect(doc).toContain('node dist/libs/persistence/src/migrate.js up');
    expect(doc).toContain('kafka ensure-topics');
    expect(doc).toContain('kubectl apply -k $OVERLAY');
  });
});
