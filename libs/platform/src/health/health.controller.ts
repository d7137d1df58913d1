import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { PublicRoute } from '../http/public-route';
import { READINESS_CHECKS, ReadinessCheck } from './readiness-check';

@ApiTags('operations')
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOkResponse({ description: 'The process is up' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOkResponse({ description: 'Every dependency answers' })
  @ApiServiceUnavailableResponse({ description: 'A dependency does not answer' })
  ready() {
    return this.health.check(
      this.checks.map((c) => async () => {
        const session = this.indicators.check(c.name);
        try {
          return session.up(await c.check());
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
  }
}
