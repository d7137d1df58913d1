import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  METRICS_PROVIDED_ELSEWHERE,
  OBSERVABILITY_DIR,
  definedMetrics,
  findPromtool,
  metricsIn,
  promtoolCheckRules,
} from './support/observability';

interface AlertRule {
  alert?: string;
  record?: string;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

const FILE = join(OBSERVABILITY_DIR, 'prometheus-rules.yaml');
const document = parse(readFileSync(FILE, 'utf8')) as {
  groups: { name: string; rules: AlertRule[] }[];
};
const rules = document.groups.flatMap((g) => g.rules);
const byName = (name: string) => rules.find((r) => r.alert === name);

describe('deploy/observability/prometheus-rules.yaml', () => {
  it('parses as a Prometheus rules file with named groups of alerts', () => {
    expect(document.groups.length).toBeGreaterThan(0);
    for (const group of document.groups) {
      expect(group.name).toMatch(/^vigil-[a-z-]+$/);
      expect(group.rules.length).toBeGreaterThan(0);
    }
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(rules.map((r) => [r.alert ?? '(unnamed)', r] as const))(
    'gives %s an expression, a duration, a severity and a summary',
    (_name, rule) => {
      expect(rule.alert).toMatch(/^Vigil[A-Za-z]+$/);
      expect(typeof rule.expr).toBe('string');
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(typeof rule.annotations?.summary).toBe('string');
      expect(typeof rule.annotations?.description).toBe('string');
    },
  );

  it('reads only metrics the apps define', () => {
    const known = new Set([...definedMetrics(), ...METRICS_PROVIDED_ELSEWHERE]);
    const used = rules.flatMap((r) => metricsIn(r.expr as string));
    expect(used.filter((m) => !known.has(m))).toEqual([]);
  });

  it('alerts on every signal issue 8 names, with the agreed thresholds', () => {
    const expr = (name: string) => (byName(name)?.expr as string).replace(/\s+/g, ' ').trim();
    expect(expr('VigilIngestConsumerLagHigh')).toContain('vigil_ingest_consumer_lag');
    expect(byName('VigilIngestConsumerLagHigh')?.for).toBe('10m');
    expect(expr('VigilIngestDeadLettering')).toMatch(
      /rate\(vigil_ingest_rejections_total.*\) > 0$/,
    );
    expect(expr('VigilIngestBatchErrors')).toContain('vigil_ingest_batch_retries_total');
    expect(expr('VigilApiErrorRatioHigh')).toMatch(/status=~"5\.\."[\s\S]*> 0\.01$/);
    expect(expr('VigilApiLatencyHigh')).toMatch(/^histogram_quantile\(0\.95,[\s\S]*> 0\.5$/);
    expect(expr('VigilControlsNotEffective')).toMatch(
      /vigil_pairs_by_verdict\{verdict="not_effective"\}[\s\S]*> 0$/,
    );
  });

  // promtool parses every PromQL expression; it is optional on a developer's machine.
  it('passes promtool check rules where promtool is installed', () => {
    const promtool = findPromtool();
    if (promtool)
      expect(promtoolCheckRules(promtool, FILE)).toContain(`SUCCESS: ${rules.length} rules found`);
    else expect(rules.every((r) => typeof r.expr === 'string' && r.expr.trim() !== '')).toBe(true);
  });
});
