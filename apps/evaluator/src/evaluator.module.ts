import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
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
import { EvaluatorConfig, evaluatorEnvSchema } from './evaluator-config';
import { JobsModule } from './jobs/jobs.module';

@Module({})
export class EvaluatorModule {
  static forRoot(config: EvaluatorConfig, logger: Logger, registry: Registry): DynamicModule {
    return {
      module: EvaluatorModule,
      imports: [
        ConfigModule.forRoot(evaluatorEnvSchema, config),
        LoggingModule.forRoot(logger),
        MetricsModule.forRoot(registry),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'vigil-evaluator',
        }),
        KafkaModule.forRoot(
          { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-evaluator` },
          topicPolicy(config, [config.VIGIL_TOPIC_STATUS]),
        ),
        HealthModule.forRoot({ checks: [DatabaseReadiness, KafkaReadiness] }),
        ScheduleModule.forRoot(),
        JobsModule,
      ],
    };
  }
}
