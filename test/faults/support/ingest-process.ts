import { ChildProcess, spawn } from 'node:child_process';
import { WriteStream, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

export interface ReceivedLogLine {
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

export interface BatchLogLine {
  partition: number;
  consumed: number;
  skipped: number;
  stored: number;
  duplicates: number;
}

/**
 * The ingest app as a real OS process (`node -r swc-register apps/ingest/src/main.ts`): no
 * build step, and `kill -9` hits a process, not a test worker. Its JSON log lines are kept,
 * so the test can count what each batch saw.
 */
export class IngestProcess {
  readonly batches: BatchLogLine[] = [];
  /** Every delivery of a sub-batch to the use case, logged before it is processed. */
  readonly received: ReceivedLogLine[] = [];
  /** How many times the process was given partitions (joined the group). */
  assignments = 0;
  readonly errors: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private buffered = '';
  /** Every line the process wrote, kept under .vigil/fault-logs/ for post-mortems. */
  private readonly logFile: WriteStream;

  constructor(
    readonly name: string,
    env: NodeJS.ProcessEnv,
  ) {
    const logDir = join(ROOT, '.vigil', 'fault-logs');
    mkdirSync(logDir, { recursive: true });
    this.logFile = createWriteStream(join(logDir, `${name}.log`));
    this.child = spawn(
      process.execPath,
      ['-r', join(__dirname, 'swc-register.js'), join(ROOT, 'apps', 'ingest', 'src', 'main.ts')],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.onOutput(chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.errors.push(chunk);
      this.logFile.write(chunk);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.logFile.end();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private onOutput(chunk: string): void {
    this.logFile.write(chunk);
    this.buffered += chunk;
    const lines = this.buffered.split('\n');
    this.buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"partitions assigned"')) this.assignments++;
      const ingested = line.includes('"batch ingested"');
      const received = line.includes('"batch received"');
      if (!ingested && !received) {
        if (/"level":(50|60)/.test(line)) this.errors.push(line);
        continue;
      }
      try {
        if (ingested) this.batches.push(JSON.parse(line) as BatchLogLine);
        else this.received.push(JSON.parse(line) as ReceivedLogLine);
      } catch {
        // a line cut by SIGKILL
      }
    }
  }

  /** Resolves once the process has stored at least one batch (it has joined and is consuming). */
  async untilBatches(n: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.batches.length < n) {
      if (!this.alive)
        throw new Error(`${this.name} exited before ${n} batches: ${this.errors.join('\n')}`);
      if (Date.now() > deadline)
        throw new Error(`${this.name} stored fewer than ${n} batches in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Resolves once the process has joined the consumer group `n` times. */
  async untilAssigned(n = 1, timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.assignments < n) {
      if (!this.alive)
        throw new Error(`${this.name} exited before joining: ${this.errors.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not join in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill9(): Promise<unknown> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.alive) this.child.kill('SIGTERM');
    return this.exited;
  }
}
