import { DynamicModule, Module } from '@nestjs/common';
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
} from '@vigil/platform';
import { PersistenceModule } from '@vigil/persistence';
import { IngestConfig, ingestEnvSchema } from './ingest-config';

@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig, logger: Logger, registry: Registry): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        ConfigModule.forRoot(ingestEnvSchema, config),
        LoggingModule.forRoot(logger),
        MetricsModule.forRoot(registry),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'vigil-ingest',
        }),
        KafkaModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: `${config.KAFKA_CLIENT_ID}-ingest`,
        }),
        HealthModule.forRoot({ checks: [DatabaseReadiness, KafkaReadiness] }),
      ],
    };
  }
}
