import 'reflect-metadata';
import { Command } from 'commander';
import { registerCatalogCommands } from './commands/catalog.command';
import { registerKafkaCommands } from './commands/kafka.command';
import { registerKeysCommands } from './commands/keys.command';
import { registerVerifyCommand } from './commands/verify.command';

/** `vigil …`: the operator's and platform team's command line (SPEC §8). */
export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Vigil: continuous control monitoring')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError();
  registerCatalogCommands(program);
  registerKeysCommands(program);
  registerVerifyCommand(program);
  registerKafkaCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`vigil: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
