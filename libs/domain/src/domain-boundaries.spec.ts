import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// STYLE.md: libs/domain is pure. It imports nothing of ours, no framework, no driver, and
// reads no clock: time is always a parameter.
const root = __dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const files = sourceFiles(root).map((path) => ({
  name: relative(root, path),
  text: readFileSync(path, 'utf8'),
}));

describe('libs/domain boundaries', () => {
  it('finds the source files when scanning the library', () => {
    expect(files.map((f) => f.name)).toContain('index.ts');
  });

  it.each(files)('imports only relative paths and node:crypto when in $name', ({ text }) => {
    const specifiers = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(specifiers.filter((s) => !s.startsWith('.') && s !== 'node:crypto')).toEqual([]);
  });

  it.each(files)('reads no clock when in $name', ({ text }) => {
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)/);
  });
});
