import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Loads every class exported by the files of a folder that match a suffix. Migrations and
 * entities are discovered rather than listed by hand, so adding one is adding a file.
 * Plain `require` works for compiled JavaScript and under Jest's TypeScript transform alike.
 */
export function discoverClasses(
  folder: string,
  suffix: RegExp,
): Array<new (...args: never[]) => unknown> {
  // git keeps no empty folders: a fresh clone may have no entities folder at all.
  if (!existsSync(folder)) return [];
  const files = readdirSync(folder)
    .filter(
      (f) =>
        suffix.test(f) && !f.endsWith('.d.ts') && !/\.(spec|integration-spec)\.(ts|js)$/.test(f),
    )
    .sort();
  const classes: Array<new (...args: never[]) => unknown> = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(join(folder, file)) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (typeof value === 'function') classes.push(value as new (...args: never[]) => unknown);
    }
  }
  return classes;
}
