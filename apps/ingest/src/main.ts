import 'reflect-metadata';
import { runApp } from '@vigil/platform';
import { createIngest } from './bootstrap';

void runApp('vigil-ingest', async () => {
  const { app, config, logger } = await createIngest();
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  logger.info({ port: config.PORT }, 'ingest running');
  return { app, logger, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
});
