import { DynamicModule, Inject, Injectable, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { KafkaClient } from '../kafka/kafka-client';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, ReadinessCheck } from './readiness-check';

@Injectable()
export class DatabaseReadiness implements ReadinessCheck {
  readonly name = 'database';
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}
  async check(): Promise<Record<string, unknown>> {
    await this.dataSource.query('SELECT 1');
    return {};
  }
}

@Injectable()
export class KafkaReadiness implements ReadinessCheck {
  readonly name = 'kafka';
  constructor(@Inject(KafkaClient) private readonly kafka: KafkaClient) {}
  async check(): Promise<Record<string, unknown>> {
    return this.kafka.ping();
  }
}

export interface HealthOptions {
  /** Readiness checks, as classes implementing ReadinessCheck, provided by this module. */
  checks: Array<new (...args: never[]) => ReadinessCheck>;
}

/** `/health/live` and `/health/ready` for every app (apps list what they depend on). */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    const providers: Provider[] = [...options.checks];
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        ...providers,
        {
          provide: READINESS_CHECKS,
          inject: options.checks,
          useFactory: (...checks: ReadinessCheck[]) => checks,
        },
      ],
    };
  }
}
