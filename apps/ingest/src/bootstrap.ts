import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'pino';
import { PinoNestLogger, createLogger, createMetricsRegistry, loadConfig } from '@vigil/platform';
import { IngestConfig, ingestEnvSchema } from './ingest-config';
import { IngestModule } from './ingest.module';

export interface StartedIngest {
  app: INestApplication;
  config: IngestConfig;
  logger: Logger;
}

/**
 * The ingest process: a Nest microservice consuming control-results, plus a small HTTP
 * server for /health and /metrics (a hybrid application).
 */
export async function createIngest(env: NodeJS.ProcessEnv = process.env): Promise<StartedIngest> {
  const config = loadConfig(ingestEnvSchema, env);
  const logger = createLogger('vigil-ingest', config.LOG_LEVEL);
  const registry = createMetricsRegistry('ingest');
  const app = await NestFactory.create(IngestModule.forRoot(config, logger, registry), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  return { app, config, logger };
}
