import { Controller, DynamicModule, Get, Global, Header, Inject, Module } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { PublicRoute } from '../http/public-route';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

@ApiTags('operations')
@PublicRoute()
@Controller()
class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

@Global()
@Module({})
export class MetricsModule {
  static forRoot(registry: Registry): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: METRICS_REGISTRY, useValue: registry }],
      exports: [METRICS_REGISTRY],
    };
  }
}
