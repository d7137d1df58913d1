import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  METRICS_PROVIDED_ELSEWHERE,
  OBSERVABILITY_DIR,
  definedMetrics,
  findPromtool,
  metricsIn,
  promtoolCheckRules,
} from './support/observability';

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  fieldConfig?: { defaults: { unit?: string } };
}

const dashboard = JSON.parse(
  readFileSync(join(OBSERVABILITY_DIR, 'grafana-dashboard.json'), 'utf8'),
) as {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
};
const panels = dashboard.panels;
const queries = panels.filter((p) => p.type !== 'row');
const exprs = queries.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

describe('deploy/observability/grafana-dashboard.json', () => {
  it('is a Grafana 10 dashboard with a stable uid and a Prometheus data source variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.schemaVersion).toBeLessThanOrEqual(39);
    expect(dashboard.uid).toBe('vigil-operations');
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
  });

  it('gives every panel a unique id and a place on the 24-column grid that no other takes', () => {
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of panels) {
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          expect({ title, cell: cells.has(`${x},${y}`) }).toEqual({ title, cell: false });
          cells.add(`${x},${y}`);
        }
    }
  });

  it('queries Prometheus through the variable from every panel and target', () => {
    for (const panel of queries) {
      expect(['timeseries', 'stat']).toContain(panel.type);
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.description).toBeTruthy();
      expect(panel.targets?.length).toBeGreaterThan(0);
      const refIds = panel.targets!.map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of panel.targets!) expect(t.datasource).toEqual(panel.datasource);
    }
  });

  it('shows each signal issue 8 names', () => {
    const used = new Set(exprs.flatMap(metricsIn));
    for (const metric of [
      'vigil_ingest_consumer_lag',
      'vigil_ingest_rejections_total',
      'vigil_ingest_results_stored_total',
      'vigil_ingest_batch_duration_seconds',
      'vigil_http_request_duration_seconds',
      'vigil_pairs_by_verdict',
    ])
      expect(used).toContain(metric);
    expect(exprs.join('\n')).toContain('status=~"5.."');
  });

  it('reads only metrics the apps define', () => {
    const known = new Set([...definedMetrics(), ...METRICS_PROVIDED_ELSEWHERE]);
    expect(exprs.flatMap(metricsIn).filter((m) => !known.has(m))).toEqual([]);
  });

  // Grafana's $__rate_interval stands for a duration; with it replaced, promtool parses each query.
  it('has queries promtool parses, where promtool is installed', () => {
    const promtool = findPromtool();
    const rules = queries.flatMap((p) =>
      p.targets!.map((t) => ({
        record: `vigil:dashboard:panel${p.id}_${t.refId}`,
        expr: t.expr.replace(/\$__rate_interval/g, '5m'),
      })),
    );
    expect(rules.every((r) => !r.expr.includes('$'))).toBe(true);
    if (!promtool) return;
    const dir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-'));
    try {
      const file = join(dir, 'queries.yaml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
      expect(promtoolCheckRules(promtool, file)).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
