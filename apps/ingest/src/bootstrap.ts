import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'pino';
import { PinoNestLogger, createLogger, createMetricsRegistry, loadConfig } from '@vigil/platform';
import { parseFaultPlan } from './fault-injector';
import { IngestConfig, ingestEnvSchema } from './ingest-config';
import { IngestConsumer } from './ingest.consumer';
import { IngestModule } from './ingest.module';

export interface StartedIngest {
  app: INestApplication;
  config: IngestConfig;
  logger: Logger;
}

/**
 * The ingest process: a hybrid Nest application. The Kafka consumer is a custom transport
 * (IngestConsumer), connected here and started by `app.startAllMicroservices()`; the HTTP
 * server serves /health and /metrics.
 */
export async function createIngest(env: NodeJS.ProcessEnv = process.env): Promise<StartedIngest> {
  const config = loadConfig(ingestEnvSchema, env);
  const fault = parseFaultPlan(config.INGEST_FAULT);
  const logger = createLogger('vigil-ingest', config.LOG_LEVEL);
  if (fault)
    logger.warn({ fault }, 'INGEST_FAULT is set: this process will kill itself (tests only)');
  const registry = createMetricsRegistry('ingest');
  const app = await NestFactory.create(IngestModule.forRoot(config, logger, registry), {
    logger: new PinoNestLogger(logger),
  });
  app.connectMicroservice({ strategy: app.get(IngestConsumer) }, { inheritAppConfig: true });
  // No enableShutdownHooks(): runApp turns SIGTERM into app.close(), which stops the consumer
  // (finishing the batch in flight) before the pool and the Kafka client close. Nest's own
  // signal hooks would close them concurrently, under the batch.
  return { app, config, logger };
}
