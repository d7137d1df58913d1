import { Command } from 'commander';

/** Placeholder: `vigil catalog …` lands with the issue that owns it. */
export function registerCatalogCommands(program: Command): void {
  program.command('catalog').description('(catalog commands: not built yet)');
}
