import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { RESULTS_PATH } from '../results/results.controller';
import { CacheWhenClosedInterceptor } from './immutable-caching';
import { JsonDepthMiddleware } from './json-depth.middleware';
import { RejectNulPipe } from './reject-nul.pipe';
import { UnsupportedMediaTypeMiddleware } from './unsupported-media-type.middleware';
import { createValidationPipe } from './validation';

/**
 * Conventions every route gets: one validation pipe (400 problem naming each parameter), 400
 * for NUL in a path or query value and for JSON bodies nested too deeply, and 415 for bodies
 * no parser accepts. HTTP ingest is the exception for depth: its events answer as on the
 * Kafka path, where the contract's validator rejects deep `data` as `invalid_data` per event.
 * Request ids, the request log and the latency histogram are Express middleware installed
 * first in bootstrap.ts (they must see every request, even 404s).
 */
@Module({
  providers: [
    { provide: APP_PIPE, useClass: RejectNulPipe },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    CacheWhenClosedInterceptor,
  ],
  exports: [CacheWhenClosedInterceptor],
})
export class HttpConventionsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(UnsupportedMediaTypeMiddleware).forRoutes('*');
    consumer
      .apply(JsonDepthMiddleware)
      .exclude({ path: RESULTS_PATH, method: RequestMethod.POST })
      .forRoutes('*');
  }
}
