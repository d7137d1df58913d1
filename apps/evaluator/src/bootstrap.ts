import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'pino';
import { PinoNestLogger, createLogger, createMetricsRegistry, loadConfig } from '@vigil/platform';
import { EvaluatorConfig, evaluatorEnvSchema } from './evaluator-config';
import { EvaluatorModule } from './evaluator.module';

export interface StartedEvaluator {
  app: INestApplication;
  config: EvaluatorConfig;
  logger: Logger;
}

export async function createEvaluator(
  env: NodeJS.ProcessEnv = process.env,
): Promise<StartedEvaluator> {
  const config = loadConfig(evaluatorEnvSchema, env);
  const logger = createLogger('vigil-evaluator', config.LOG_LEVEL);
  const registry = createMetricsRegistry('evaluator');
  const app = await NestFactory.create(EvaluatorModule.forRoot(config, logger, registry), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  return { app, config, logger };
}
