import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@vigil/platform';
import { HTTP_INGEST_EVENTS, createHttpIngestCounter } from './http-ingest.metrics';
import { ResultsController } from './results.controller';
import { ResultsIngestService } from './results-ingest.service';

/** HTTP ingest: `POST /api/v1/results` → the results topic (SPEC §6). */
@Module({
  controllers: [ResultsController],
  providers: [
    ResultsIngestService,
    {
      provide: HTTP_INGEST_EVENTS,
      inject: [METRICS_REGISTRY],
      useFactory: (registry: Registry) => createHttpIngestCounter(registry),
    },
  ],
})
export class ResultsModule {}
