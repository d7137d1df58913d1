import { Command } from 'commander';

/** Placeholder: `vigil kafka …` lands with the issue that owns it. */
export function registerKafkaCommands(program: Command): void {
  program.command('kafka').description('(kafka commands: not built yet)');
}
