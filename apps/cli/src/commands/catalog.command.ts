import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Command } from 'commander';
import type { AssignmentRef, CatalogApplySummary } from '@vigil/contracts';

/** Exit codes for CI: 0 ok, 1 the document is not valid, 2 could not talk to Vigil (or read the file). */
export const CATALOG_EXIT = { ok: 0, invalid: 1, unavailable: 2 } as const;

/** Where the commands write and how they end; tests pass their own to run in-process. */
export interface CatalogCliIo {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
  env: NodeJS.ProcessEnv;
}

const processIo: CatalogCliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  exit: (code) => {
    process.exitCode = code;
  },
  env: process.env,
};

interface ConnectionOptions {
  url?: string;
  key?: string;
  json?: boolean;
}

const DEFAULT_URL = 'http://127.0.0.1:3000';
const TIMEOUT_MS = 60_000;

/**
 * `vigil catalog apply|diff|export`: the catalogue as code, from a platform team's CI. Talks to a
 * running API (`--url`, default $VIGIL_URL or http://127.0.0.1:3000) with an admin API key
 * (`--key`, default $VIGIL_API_KEY).
 */
export function registerCatalogCommands(program: Command, io: CatalogCliIo = processIo): void {
  const catalog = program
    .command('catalog')
    .description('Apply, preview or export the catalogue (services, controls, assignments)');

  withConnection(
    catalog
      .command('apply')
      .description('Apply a catalogue document (YAML or JSON) and print what changed')
      .argument('<file>', 'the catalogue document (.yaml, .yml or .json)'),
  ).action(async (file: string, options: ConnectionOptions) => {
    io.exit(await putDocument(io, file, options, false));
  });

  withConnection(
    catalog
      .command('diff')
      .description('Validate a catalogue document and print what applying it would change')
      .argument('<file>', 'the catalogue document (.yaml, .yml or .json)'),
  ).action(async (file: string, options: ConnectionOptions) => {
    io.exit(await putDocument(io, file, options, true));
  });

  withConnection(
    catalog
      .command('export')
      .description('Write the current catalogue document as YAML to a file, or to stdout')
      .argument('[file]', 'where to write it (default: stdout)'),
  ).action(async (file: string | undefined, options: ConnectionOptions) => {
    io.exit(await exportDocument(io, file, options));
  });
}

function withConnection(command: Command): Command {
  return command
    .option('--url <url>', `Vigil API base URL (default: $VIGIL_URL or ${DEFAULT_URL})`)
    .option('--key <key>', 'API key, sent as Authorization: Bearer (default: $VIGIL_API_KEY)')
    .option('--json', 'print the answer as JSON');
}

async function putDocument(
  io: CatalogCliIo,
  file: string,
  options: ConnectionOptions,
  dryRun: boolean,
): Promise<number> {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (error) {
    io.err(`vigil: cannot read ${file}: ${messageOf(error)}\n`);
    return CATALOG_EXIT.unavailable;
  }
  const contentType =
    extname(file).toLowerCase() === '.json' ? 'application/json' : 'application/yaml';
  const answer = await call(io, options, `/api/v1/catalog${dryRun ? '?dryRun=true' : ''}`, {
    method: 'PUT',
    headers: { 'Content-Type': contentType, Accept: 'application/json' },
    body,
  });
  if (answer.kind === 'failed') return answer.code;
  const summary = (await answer.response.json()) as CatalogApplySummary;
  io.out(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary, file));
  return CATALOG_EXIT.ok;
}

async function exportDocument(
  io: CatalogCliIo,
  file: string | undefined,
  options: ConnectionOptions,
): Promise<number> {
  const accept = options.json ? 'application/json' : 'application/yaml';
  const answer = await call(io, options, '/api/v1/catalog', { headers: { Accept: accept } });
  if (answer.kind === 'failed') return answer.code;
  const text = await answer.response.text();
  if (file === undefined || file === '-') {
    io.out(text.endsWith('\n') ? text : `${text}\n`);
    return CATALOG_EXIT.ok;
  }
  try {
    await writeFile(file, text);
  } catch (error) {
    io.err(`vigil: cannot write ${file}: ${messageOf(error)}\n`);
    return CATALOG_EXIT.unavailable;
  }
  io.err(`vigil: catalogue written to ${file}\n`);
  return CATALOG_EXIT.ok;
}

type Answer = { kind: 'ok'; response: Response } | { kind: 'failed'; code: number };

interface Problem {
  title?: string;
  detail?: string;
  errors?: Array<{ pointer?: string; parameter?: string; detail: string }>;
}

/** One HTTP call; every failure is printed here and mapped to an exit code. */
async function call(
  io: CatalogCliIo,
  options: ConnectionOptions,
  path: string,
  init: RequestInit,
): Promise<Answer> {
  const base = (options.url ?? io.env.VIGIL_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  const key = options.key ?? io.env.VIGIL_API_KEY;
  const headers = new Headers(init.headers);
  if (key) headers.set('Authorization', `Bearer ${key}`);
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      ...init,
      headers,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    // fetch() says only "fetch failed"; the reason (ECONNREFUSED, DNS, TLS) is in its cause.
    const cause: unknown =
      typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
    const reason = cause === undefined ? '' : `: ${messageOf(cause)}`;
    io.err(`vigil: cannot reach Vigil at ${base}: ${messageOf(error)}${reason}\n`);
    return { kind: 'failed', code: CATALOG_EXIT.unavailable };
  }
  if (response.ok) return { kind: 'ok', response };

  const problem = await readProblem(response);
  const detail = problem.detail ?? problem.title ?? response.statusText;
  if (response.status === 400 && problem.errors?.length) {
    io.err(`vigil: ${detail}\n`);
    for (const e of problem.errors) {
      const where = e.pointer !== undefined ? e.pointer || '(document)' : (e.parameter ?? '');
      io.err(`${where}: ${e.detail}\n`);
    }
    return { kind: 'failed', code: CATALOG_EXIT.invalid };
  }
  if (response.status === 400) {
    io.err(`vigil: the document was rejected: ${detail}\n`);
    return { kind: 'failed', code: CATALOG_EXIT.invalid };
  }
  if (response.status === 401 || response.status === 403) {
    const hint = key ? '' : ' (no API key: pass --key or set VIGIL_API_KEY)';
    io.err(`vigil: not allowed (${response.status}): ${detail}${hint}\n`);
    return { kind: 'failed', code: CATALOG_EXIT.unavailable };
  }
  io.err(`vigil: ${base}${path} answered ${response.status}: ${detail}\n`);
  return { kind: 'failed', code: CATALOG_EXIT.unavailable };
}

async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return isProblem(parsed) ? parsed : {};
  } catch {
    return { detail: text.slice(0, 500) };
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A readable change list: `+` added, `~` changed, `-` ended, `x` retired. */
export function formatSummary(summary: CatalogApplySummary, file: string): string {
  const lines: string[] = [];
  const assignment = (a: AssignmentRef) =>
    `${a.service} / ${a.control} from ${a.from}${a.to ? ` to ${a.to}` : ''}`;
  for (const id of summary.added.services) lines.push(`+ service ${id}`);
  for (const id of summary.added.controls) lines.push(`+ control ${id}`);
  for (const a of summary.added.assignments) lines.push(`+ assignment ${assignment(a)}`);
  for (const id of summary.changed.services) lines.push(`~ service ${id}`);
  for (const id of summary.changed.controls) lines.push(`~ control ${id} (new definition version)`);
  for (const a of summary.changed.assignments) lines.push(`~ assignment ${assignment(a)}`);
  for (const a of summary.ended.assignments) lines.push(`- assignment ${assignment(a)} (ended)`);
  for (const id of summary.retired.services) lines.push(`x service ${id} (retired)`);
  for (const id of summary.retired.controls) lines.push(`x control ${id} (retired)`);
  const changes = lines.length;
  const head = summary.dryRun
    ? changes === 0
      ? `${file}: no changes`
      : `${file}: applying would make ${changes} change${changes === 1 ? '' : 's'} (nothing applied)`
    : changes === 0
      ? `${file}: applied, no changes`
      : `${file}: applied ${changes} change${changes === 1 ? '' : 's'} at ${summary.appliedAt}`;
  return [head, ...lines.map((l) => `  ${l}`), `  ${summary.unchanged} unchanged`, ''].join('\n');
}

function messageOf(error: unknown): string {
  // Duck-typed: errors from another realm (undici's, a test VM's) fail instanceof Error.
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}
