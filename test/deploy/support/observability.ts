import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const REPO = join(__dirname, '..', '..', '..');
export const OBSERVABILITY_DIR = join(REPO, 'deploy', 'observability');

/**
 * Metrics that the dashboards and alerts may use before their code lands: the evaluator
 * exposes `vigil_pairs_by_verdict{verdict}` (issue 8 §4). Empty this once it is defined.
 */
export const METRICS_PROVIDED_ELSEWHERE = ['vigil_pairs_by_verdict'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(integration-)?spec\.ts$/.test(entry.name)
      ? [path]
      : [];
  });
}

/** Names of the Prometheus metrics the apps define (`name: 'vigil_…'` in apps/ and libs/). */
export function definedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sourceFiles(join(REPO, 'apps')), ...sourceFiles(join(REPO, 'libs'))])
    for (const m of readFileSync(file, 'utf8').matchAll(/name:\s*'(vigil_[a-z0-9_]+)'/g))
      names.add(m[1]);
  return names;
}

/** The metric families a PromQL expression reads (histogram series map to their family). */
export function metricsIn(expr: string): string[] {
  const names = [...expr.matchAll(/\b(vigil_[a-z0-9_]+)/g)].map((m) =>
    m[1].replace(/_(bucket|count|sum)$/, ''),
  );
  return [...new Set(names)];
}

/** `promtool` from PROMTOOL or the PATH, if this machine has it. */
export function findPromtool(): string | undefined {
  const candidates = [
    process.env.PROMTOOL,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'promtool')),
  ];
  return candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
}

/** Runs `promtool check rules` on a file; returns its output, throws with it on failure. */
export function promtoolCheckRules(promtool: string, file: string): string {
  try {
    return execFileSync(promtool, ['check', 'rules', file], { encoding: 'utf8', timeout: 30_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool check rules failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
