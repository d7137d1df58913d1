import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { createApi } from '../apps/api/src/bootstrap';
import {
  CATALOG_EXIT,
  CatalogCliIo,
  registerCatalogCommands,
} from '../apps/cli/src/commands/catalog.command';
import { buildProgram } from '../apps/cli/src/main';
import { TestDatabase, appEnv, createTestDatabase } from './support/infra';

const ADMIN_KEY = 'catalog-cli-admin-key-0123456789';
const EXAMPLE = join(__dirname, '..', 'examples', 'catalog.yaml');

interface Run {
  code: number | undefined;
  out: string;
  err: string;
}

describe(registerCatalogCommands.name, () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app } = await createApi(appEnv(db, undefined, { VIGIL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY })));
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    dir = mkdtempSync(join(tmpdir(), 'vigil-catalog-cli-'));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `vigil …` in-process, with its own output and environment. */
  async function vigil(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
    const run: Run = { code: undefined, out: '', err: '' };
    const io: CatalogCliIo = {
      out: (text) => (run.out += text),
      err: (text) => (run.err += text),
      exit: (code) => (run.code = code),
      env: { VIGIL_URL: url, VIGIL_API_KEY: ADMIN_KEY, ...env },
    };
    const program = new Command('vigil').exitOverride();
    registerCatalogCommands(program, io);
    await program.parseAsync(['node', 'vigil', ...args]);
    return run;
  }

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('previews the example catalogue without applying it when diff runs', async () => {
    const run = await vigil(['catalog', 'diff', EXAMPLE]);
    expect(run).toMatchObject({ code: CATALOG_EXIT.ok, err: '' });
    expect(run.out).toMatch(/applying would make \d+ changes \(nothing applied\)/);
    expect(run.out).toContain('+ control mfa-enforced');
    const exported = await vigil(['catalog', 'export', '--json']);
    expect(JSON.parse(exported.out)).toEqual({ services: [], controls: [], assignments: [] });
  });

  it('applies the example catalogue cleanly and prints what it added', async () => {
    const doc = parseYaml(readFileSync(EXAMPLE, 'utf8')) as {
      services: unknown[];
      controls: Array<{ id: string }>;
      assignments: unknown[];
    };
    const run = await vigil(['catalog', 'apply', EXAMPLE, '--json']);
    expect(run).toMatchObject({ code: CATALOG_EXIT.ok, err: '' });
    const summary = JSON.parse(run.out);
    expect(summary.added.services).toHaveLength(doc.services.length);
    expect(summary.added.controls).toEqual(doc.controls.map((c) => c.id));
    expect(summary.added.assignments).toHaveLength(doc.assignments.length);
    expect(summary.dryRun).toBe(false);
  });

  it('reports no changes when the applied document is diffed and applied again', async () => {
    const diff = await vigil(['catalog', 'diff', EXAMPLE]);
    expect(diff).toMatchObject({ code: CATALOG_EXIT.ok });
    expect(diff.out).toMatch(/: no changes\n/);
    const apply = await vigil(['catalog', 'apply', EXAMPLE]);
    expect(apply.out).toMatch(/: applied, no changes\n/);
  });

  it('exports YAML to a file that applies with no change', async () => {
    const target = join(dir, 'exported.yaml');
    const run = await vigil(['catalog', 'export', target]);
    expect(run.code).toBe(CATALOG_EXIT.ok);
    const text = readFileSync(target, 'utf8');
    const exported = parseYaml(text) as { controls: unknown[] };
    expect(exported.controls.length).toBeGreaterThanOrEqual(25);
    const again = await vigil(['catalog', 'apply', target]);
    expect(again.out).toMatch(/applied, no changes/);
  });

  it('prints the change when a control frequency changes', async () => {
    const text = readFileSync(EXAMPLE, 'utf8').replace(
      /(id: tls-in-transit[\s\S]*?frequency: )hourly/,
      '$1daily',
    );
    const run = await vigil(['catalog', 'apply', file('changed.yaml', text)]);
    expect(run.code).toBe(CATALOG_EXIT.ok);
    expect(run.out).toContain('~ control tls-in-transit (new definition version)');
    expect(run.out).toMatch(/applied 1 change at /);
  });

  it('applies a JSON document when the file ends in .json', async () => {
    const exported = await vigil(['catalog', 'export', '--json']);
    const run = await vigil(['catalog', 'apply', file('catalog.json', exported.out)]);
    expect(run).toMatchObject({ code: CATALOG_EXIT.ok, err: '' });
    expect(run.out).toMatch(/no changes/);
  });

  it('exits 1 and prints one fault per line with its pointer when the document is invalid', async () => {
    const text = [
      'services: [{ id: svc, name: Svc, owner: team }]',
      'controls:',
      '  - { id: c1, title: C1, criteria: [CC6.1, XX1.1], frequency: daily }',
      '  - { id: c2, title: C2, criteria: [CC8.1], frequency: fortnightly }',
      'assignments:',
      '  - { service: svc, control: c1, from: 2026-01-01T00:00:00Z, to: 2025-01-01T00:00:00Z }',
      '',
    ].join('\n');
    const run = await vigil(['catalog', 'apply', file('bad.yaml', text)]);
    expect(run.code).toBe(CATALOG_EXIT.invalid);
    expect(run.out).toBe('');
    const lines = run.err.trim().split('\n');
    expect(lines[0]).toMatch(/not valid \(3 faults\)/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^\/controls\/0\/criteria\/1: unknown criterion "XX1.1"/),
      expect.stringMatching(/^\/controls\/1\/frequency: must be one of/),
      expect.stringMatching(/^\/assignments\/0\/to: must be after from/),
    ]);
    const diff = await vigil(['catalog', 'diff', file('bad.yaml', text)]);
    expect(diff.code).toBe(CATALOG_EXIT.invalid);
  });

  it('exits 1 when the YAML does not parse', async () => {
    const run = await vigil(['catalog', 'apply', file('broken.yaml', 'services: [\n')]);
    expect(run.code).toBe(CATALOG_EXIT.invalid);
    expect(run.err).toMatch(/^\(document\): not valid YAML/m);
  });

  it('exits 2 when the API key is wrong or missing', async () => {
    const wrong = await vigil([
      'catalog',
      'apply',
      EXAMPLE,
      '--key',
      'not-a-real-key-000000000000',
    ]);
    expect(wrong.code).toBe(CATALOG_EXIT.unavailable);
    expect(wrong.err).toMatch(/not allowed \(401\)/);
    const missing = await vigil(['catalog', 'export'], { VIGIL_API_KEY: '' });
    expect(missing.code).toBe(CATALOG_EXIT.unavailable);
    expect(missing.err).toMatch(/pass --key or set VIGIL_API_KEY/);
  });

  it('exits 2 when nothing listens at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const run = await vigil(['catalog', 'export', '--url', `http://127.0.0.1:${port}`]);
    expect(run.code).toBe(CATALOG_EXIT.unavailable);
    expect(run.err).toContain(`cannot reach Vigil at http://127.0.0.1:${port}`);
    expect(run.err).toMatch(/ECONNREFUSED/);
  });

  it('exits 2 when the file cannot be read', async () => {
    const run = await vigil(['catalog', 'apply', join(dir, 'missing.yaml')]);
    expect(run.code).toBe(CATALOG_EXIT.unavailable);
    expect(run.err).toMatch(/cannot read/);
  });

  it('is registered in the vigil program', () => {
    const catalog = buildProgram().commands.find((c) => c.name() === 'catalog');
    expect(catalog?.commands.map((c) => c.name())).toEqual(['apply', 'diff', 'export']);
  });
});
