import 'reflect-metadata';
import { runApp } from '@vigil/platform';
import { createEvaluator } from './bootstrap';

void runApp('vigil-evaluator', async () => {
  const { app, config, logger } = await createEvaluator();
  await app.listen(config.PORT, config.HOST);
  logger.info({ port: config.PORT }, 'evaluator running');
  return { app, logger, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
});
