import type { IncomingMessage } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'pino';
import { PinoNestLogger, createLogger, createMetricsRegistry, loadConfig } from '@vigil/platform';
import { ApiConfig, apiEnvSchema } from './api-config';
import { ApiModule } from './api.module';
import { documentSecurity } from './http/openapi';
import { createHttpDurationHistogram, requestContext } from './http/request-context';
import { malformedJson } from './http/malformed-json.middleware';
import { CATALOG_PATH } from './catalog/catalog.controller';
import { RESULTS_PATH } from './results/results.controller';

const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

export interface StartedApi {
  app: INestApplication;
  config: ApiConfig;
  logger: Logger;
}

/** Builds the API app (used by main.ts and by the tests, which give their own environment). */
export async function createApi(env: NodeJS.ProcessEnv = process.env): Promise<StartedApi> {
  const config = loadConfig(apiEnvSchema, env);
  const logger = createLogger('vigil-api', config.LOG_LEVEL);
  const registry = createMetricsRegistry('api');
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.forRoot(config, logger, registry),
    {
      logger: new PinoNestLogger(logger),
      bodyParser: false,
      rawBody: true,
    },
  );
  // First: request id, request log line and latency histogram for every request, even a 404.
  app.use(requestContext(logger, createHttpDurationHistogram(registry)));
  // CloudEvents and YAML catalogues arrive with their own media types (SPEC §3, §4).
  // HTTP ingest takes any JSON value, so that a bare scalar gets the Kafka path's answer
  // (invalid_envelope, from the validator) rather than malformed_json. Every other route keeps
  // strict parsing: a JSON string must not reach the catalogue as if it were YAML text.
  app.useBodyParser('json', {
    type: (req: IncomingMessage) => isResultsIngest(req as Request),
    strict: false,
    limit: '10mb',
  });
  app.useBodyParser('json', { type: JSON_MEDIA_TYPES, limit: '10mb' });
  app.useBodyParser('text', {
    type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'],
    limit: '10mb',
  });
  // A catalogue is YAML (or JSON, a subset of it) however it is labelled: `curl --data-binary`
  // and many clients send text/plain. Only PUT /api/v1/catalog reads such a body.
  app.useBodyParser('text', {
    type: (req: IncomingMessage) => isCatalogPut(req as Request),
    limit: '10mb',
  });
  app.use(malformedJson);
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  if (config.CORS_ORIGINS !== '-' && config.CORS_ORIGINS !== '') {
    app.enableCors({
      origin:
        config.CORS_ORIGINS === '*' ? true : config.CORS_ORIGINS.split(',').map((o) => o.trim()),
      exposedHeaders: [
        'ETag',
        'Content-Disposition',
        'X-Request-Id',
        'Retry-After',
        'WWW-Authenticate',
      ],
      maxAge: 600,
    });
  }
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Vigil API')
      .setDescription(
        'Continuous control monitoring: SOC 2 Type II operating effectiveness (see SPEC §6).',
      )
      .setVersion(process.env.npm_package_version ?? '0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
      .build(),
  );
  documentSecurity(app, document);
  // SPEC §6: "OpenAPI at /api/docs". A browser (Accept: text/html) gets Swagger UI there; any
  // other client (curl, a generator, a script) gets the OpenAPI document itself, as JSON.
  app.use('/api/docs', (req: Request, res: Response, next: NextFunction) => {
    const root = req.path === '/' || req.path === '';
    const browser = /\btext\/html\b/i.test(req.headers.accept ?? '');
    if (req.method === 'GET' && root && !browser) res.json(document);
    else next();
  });
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return { app, config, logger };
}

/** A text/plain request to PUT /api/v1/catalog, matched as the router does. */
function isCatalogPut(req: Request): boolean {
  return (
    req.method === 'PUT' &&
    req.path.replace(/\/$/, '').toLowerCase() === `/${CATALOG_PATH}` &&
    Boolean(req.is('text/plain'))
  );
}

/** A JSON request to POST /api/v1/results, matched as the router does (any case, trailing slash). */
function isResultsIngest(req: Request): boolean {
  return (
    req.method === 'POST' &&
    req.path.replace(/\/$/, '').toLowerCase() === `/${RESULTS_PATH}` &&
    Boolean(req.is(JSON_MEDIA_TYPES))
  );
}
