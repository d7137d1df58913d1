import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The compiled API (benchmarks run from dist/, after `npm run build`). */
const API_MAIN = join(__dirname, '../../apps/api/src/main.js');

export interface ApiProcessOptions {
  databaseUrl: string;
  port: number;
  adminKey: string;
  /** Prefix of the topics the API produces to, so a benchmark never writes to real topics. */
  topicPrefix?: string;
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Starts the API as its own process, as in production, so its latency and RSS are its own. */
export function spawnApi(options: ApiProcessOptions): ChildProcess {
  const prefix = options.topicPrefix ?? 'bench';
  return spawn(process.execPath, [...(options.nodeFlags ?? []), API_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      VIGIL_BOOTSTRAP_ADMIN_KEY: options.adminKey,
      VIGIL_TOPIC_RESULTS: `${prefix}.control-results`,
      VIGIL_TOPIC_DLQ: `${prefix}.control-results.dlq`,
      VIGIL_TOPIC_STATUS: `${prefix}.control-status-changes`,
      ...options.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Starts the API and waits until /health/live answers (60 s at most). */
export async function startApi(options: ApiProcessOptions): Promise<ChildProcess> {
  const child = spawnApi(options);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${options.port}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (Date.now() > deadline) throw new Error('the API did not start in 60 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
