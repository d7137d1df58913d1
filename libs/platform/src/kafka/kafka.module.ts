import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER } from '../logging/logging.module';
import { KafkaClient, KafkaSettings } from './kafka-client';

export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');

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
  static forRoot(settings: KafkaSettings): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
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
