import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Logger } from 'pino';
import { Registry } from 'prom-client';
import {
  ConfigModule,
  DatabaseReadiness,
  HealthModule,
  KafkaModule,
  KafkaReadiness,
  LoggingModule,
  MetricsModule,
  topicPolicy,
} from '@vigil/platform';
import { PersistenceModule } from '@vigil/persistence';
import { ApiConfig, apiEnvSchema } from './api-config';
import { AuthModule } from './auth/auth.module';
import { CatalogModule } from './catalog/catalog.module';
import { EffectivenessModule } from './effectiveness/effectiveness.module';
import { ExportsModule } from './exports/exports.module';
import { SamplingModule } from './sampling/sampling.module';
import { HttpConventionsModule } from './http/http-conventions.module';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { ResultsModule } from './results/results.module';

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig, logger: Logger, registry: Registry): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(apiEnvSchema, config),
        LoggingModule.forRoot(logger),
        MetricsModule.forRoot(registry),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'vigil-api',
        }),
        KafkaModule.forRoot(
          { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-api` },
          topicPolicy(config, [config.VIGIL_TOPIC_RESULTS]),
        ),
        HealthModule.forRoot({ checks: [DatabaseReadiness, KafkaReadiness] }),
        HttpConventionsModule,
        AuthModule,
        CatalogModule,
        ResultsModule,
        EffectivenessModule,
        ExportsModule,
        SamplingModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
