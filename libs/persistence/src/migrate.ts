import { databaseVariables, loadConfig, ConfigError } from '@vigil/platform';
import { migrateDown, migrateUp, migrationStatus } from './migrator';

/** `npm run migrate [-- up|down [steps]|status]`: the explicit schema step. */
async function main(): Promise<void> {
  const [command = 'up', stepsArg] = process.argv.slice(2);
  const config = loadConfig(databaseVariables);
  const settings = { url: config.DATABASE_URL };
  switch (command) {
    case 'up': {
      const { applied } = await migrateUp(settings);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      break;
    }
    case 'down': {
      const steps = stepsArg ? Number(stepsArg) : 1;
      if (!Number.isInteger(steps) || steps < 1)
        throw new Error(`steps must be a positive integer, got "${stepsArg}"`);
      const { applied } = await migrateDown(settings, steps);
      console.log(applied.length ? `reverted: ${applied.join(', ')}` : 'nothing to revert');
      break;
    }
    case 'status': {
      const status = await migrationStatus(settings);
      console.log(`applied (${status.applied.length}): ${status.applied.join(', ') || '-'}`);
      console.log(`pending (${status.pending.length}): ${status.pending.join(', ') || '-'}`);
      break;
    }
    default:
      throw new Error(`unknown command "${command}": use up, down [steps] or status`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const p of error.problems) console.error(`migrate: configuration error: ${p}`);
  } else {
    console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
