import { DynamicModule, Global, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { Registry } from 'prom-client';
import {
  ConfigModule,
  DatabaseReadiness,
  HealthModule,
  KafkaClient,
  KafkaModule,
  KafkaReadiness,
  LOGGER,
  LoggingModule,
  METRICS_REGISTRY,
  MetricsModule,
  topicPolicy,
} from '@vigil/platform';
import { IngestRepository, PersistenceModule, repositoryProviders } from '@vigil/persistence';
import { ConsumerReadiness } from './consumer-readiness';
import { FaultInjector, parseFaultPlan } from './fault-injector';
import { IngestBatch } from './ingest-batch.service';
import { IngestConfig, ingestEnvSchema } from './ingest-config';
import { IngestConsumer } from './ingest.consumer';
import { IngestMetrics } from './ingest-metrics';

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

/** The consumer and its use case; global so the readiness check can see the consumer. */
@Global()
@Module({})
class IngestCoreModule {
  static forRoot(config: IngestConfig): DynamicModule {
    return {
      module: IngestCoreModule,
      providers: [
        { provide: INGEST_CONFIG, useValue: config },
        ...repositoryProviders(IngestRepository),
        {
          provide: IngestMetrics,
          inject: [METRICS_REGISTRY],
          useFactory: (r: Registry) => new IngestMetrics(r),
        },
        {
          provide: IngestBatch,
          inject: [IngestRepository, KafkaClient],
          useFactory: (repository: IngestRepository, kafka: KafkaClient) =>
            new IngestBatch(
              repository,
              kafka,
              { deadLetterTopic: config.VIGIL_TOPIC_DLQ },
              new FaultInjector(parseFaultPlan(config.INGEST_FAULT)),
            ),
        },
        {
          provide: IngestConsumer,
          inject: [KafkaClient, IngestRepository, IngestBatch, IngestMetrics, LOGGER],
          useFactory: (
            kafka: KafkaClient,
            repository: IngestRepository,
            batch: IngestBatch,
            metrics: IngestMetrics,
            logger: Logger,
          ) =>
            new IngestConsumer(
              kafka,
              repository,
              batch,
              metrics,
              config,
              logger.child({ component: 'consumer' }),
            ),
        },
      ],
      exports: [IngestConsumer, IngestRepository, IngestMetrics],
    };
  }
}

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
        KafkaModule.forRoot(
          { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-ingest` },
          // The results topic and its dead-letter topic exist before the consumer starts.
          topicPolicy(config, [config.VIGIL_TOPIC_RESULTS, config.VIGIL_TOPIC_DLQ]),
        ),
        IngestCoreModule.forRoot(config),
        HealthModule.forRoot({ checks: [DatabaseReadiness, KafkaReadiness, ConsumerReadiness] }),
      ],
    };
  }
}
