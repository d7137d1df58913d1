import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
  Provider,
} from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER } from '../logging/logging.module';
import { KafkaClient, KafkaSettings } from './kafka-client';
import { TopicPolicy, provisionTopics } from './topic-provisioning';

export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');
const TOPIC_POLICY = Symbol('TOPIC_POLICY');

/** Makes sure the topics this process needs exist before it starts serving. */
@Injectable()
class TopicProvisioner implements OnModuleInit {
  constructor(
    @Inject(KafkaClient) private readonly client: KafkaClient,
    @Inject(TOPIC_POLICY) private readonly policy: TopicPolicy,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}
  async onModuleInit(): Promise<void> {
    const { created } = await provisionTopics(this.client, this.policy);
    if (created.length > 0) this.logger.info({ topics: created }, 'created Kafka topics');
  }
}

@Injectable()
class KafkaClientLifecycle implements OnApplicationShutdown {
  constructor(@Inject(KafkaClient) private readonly client: KafkaClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

@Global()
@Module({})
export class KafkaModule {
  static forRoot(settings: KafkaSettings, topics?: TopicPolicy): DynamicModule {
    const provisioning: Provider[] = topics
      ? [{ provide: TOPIC_POLICY, useValue: topics }, TopicProvisioner]
      : [];
    return {
      module: KafkaModule,
      providers: [
        ...provisioning,
        { provide: KAFKA_SETTINGS, useValue: settings },
        {
          provide: KafkaClient,
          inject: [LOGGER],
          useFactory: (logger: Logger) =>
            new KafkaClient(settings, logger.child({ component: 'kafka' })),
        },
        KafkaClientLifecycle,
      ],
      exports: [KafkaClient, KAFKA_SETTINGS],
    };
  }
}
