import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigOf, EnvSchema, loadConfig } from './env-schema';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Validates the environment once at boot and provides the typed result under APP_CONFIG. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<S extends EnvSchema>(schema: S, values?: ConfigOf<S>): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: values ?? loadConfig(schema) }],
      exports: [APP_CONFIG],
    };
  }
}
