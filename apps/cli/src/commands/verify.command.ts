import { Command } from 'commander';

/** Placeholder: `vigil verify <bundle.zip>` lands with the exports issue. */
export function registerVerifyCommand(program: Command): void {
  program.command('verify').description('(verify: not built yet)');
}
