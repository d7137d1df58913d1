import { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'pino';
import { ConfigError } from '../config/env-schema';
import { StartupError } from '../kafka/topic-provisioning';

/**
 * Starts an app and makes it leave cleanly: SIGTERM/SIGINT close the Nest context (which
 * drains consumers and pools through their shutdown hooks) and exit 0; a second signal, or
 * a drain longer than the grace period, exits at once. A bad environment prints one line
 * per wrong variable and exits 1.
 */
export async function runApp(
  name: string,
  start: () => Promise<{ app: INestApplicationContext; logger: Logger; shutdownTimeoutMs: number }>,
): Promise<void> {
  let started: Awaited<ReturnType<typeof start>>;
  try {
    started = await start();
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`${name}: cannot start: ${error.message}\n`);
    } else if (error instanceof ConfigError) {
      for (const problem of error.problems)
        process.stderr.write(`${name}: configuration error: ${problem}\n`);
    } else {
      process.stderr.write(
        `${name}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
    return;
  }
  const { app, logger, shutdownTimeoutMs } = started;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'draining and stopping');
    const timer = setTimeout(() => {
      logger.error({ shutdownTimeoutMs }, 'drain took too long: exiting');
      process.exit(1);
    }, shutdownTimeoutMs);
    timer.unref();
    app
      .close()
      .then(() => {
        logger.info('stopped');
        logger.flush?.();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
