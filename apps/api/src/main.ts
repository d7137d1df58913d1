import 'reflect-metadata';
import { runApp } from '@vigil/platform';
import { createApi } from './bootstrap';

void runApp('vigil-api', async () => {
  const { app, config, logger } = await createApi();
  await app.listen(config.PORT, config.HOST);
  logger.info(
    { url: `http://127.0.0.1:${config.PORT}`, docs: `http://127.0.0.1:${config.PORT}/api/docs` },
    'api listening',
  );
  return { app, logger, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
});
