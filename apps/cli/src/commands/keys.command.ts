import { Command } from 'commander';

/** Placeholder: `vigil keys …` lands with the issue that owns it. */
export function registerKeysCommands(program: Command): void {
  program.command('keys').description('(keys commands: not built yet)');
}
