import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { blankAsAbsent } from '../http/blank-as-absent';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ROLLING_WINDOW_DAYS } from '@vigil/domain';
import type { SnapshotScope } from '@vigil/persistence';
import { Principal, allowedServices, assertServiceAllowed } from '../auth/principal';
import { READERS, Roles } from '../auth/roles.decorator';
import { parseLimit, ApiPageQuery } from '../http/pagination';
import { ProblemException, invalidParameter } from '../http/problem';
import { parseQueryWindow } from '../http/window';
import {
  CriterionEffectivenessDto,
  FleetEffectivenessDto,
  PairEffectivenessResponseDto,
  ServiceEffectivenessDto,
} from './dto/effectiveness.dto';
import { StoredResultPageDto } from './dto/result-history.dto';
import { TrendDto } from './dto/trend.dto';
import { EffectivenessService } from './effectiveness.service';
import { ResultHistoryService } from './result-history.service';
import { TrendService } from './trend.service';

interface WindowQuery {
  from?: string;
  to?: string;
  window?: string;
}

const DEFAULT_WINDOW = 'P90D';

const WindowQueries =
  () => (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
    ApiQuery({ name: 'from', required: false, description: 'Window start (RFC 3339), with `to`' })(
      target,
      key,
      descriptor,
    );
    ApiQuery({
      name: 'to',
      required: false,
      description: 'Window end, exclusive (RFC 3339); default now',
    })(target, key, descriptor);
    ApiQuery({
      name: 'window',
      required: false,
      description: 'ISO 8601 duration ending now, e.g. P90D (default)',
    })(target, key, descriptor);
  };

/** SPEC §6 effectiveness reads. Thin: parse, check access, call one service, return its DTO. */
@ApiTags('effectiveness')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'Wrong role, or a service this key may not see' })
@Controller('api/v1')
export class EffectivenessController {
  constructor(
    @Inject(EffectivenessService) private readonly effectiveness: EffectivenessService,
    @Inject(TrendService) private readonly trends: TrendService,
    @Inject(ResultHistoryService) private readonly history: ResultHistoryService,
  ) {}

  @Get('effectiveness')
  @Roles(...READERS)
  @ApiOperation({ summary: 'The fleet rolled up, with one rollup per service (SPEC §5.11)' })
  @WindowQueries()
  @ApiOkResponse({ type: FleetEffectivenessDto })
  async fleet(
    @Query() query: WindowQuery,
    @Principal() principal: Principal,
  ): Promise<FleetEffectivenessDto> {
    const now = new Date();
    return this.effectiveness.fleet(
      parseQueryWindow(query, now, { defaultWindow: DEFAULT_WINDOW }),
      now,
      allowedServices(principal),
    );
  }

  @Get('effectiveness/trend')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Daily snapshots of a rolling window for a pair, a service, a criterion or the fleet',
    description:
      'service+control: a pair; service: a service; criterion: a criterion; none: the fleet.',
  })
  @ApiQuery({ name: 'service', required: false })
  @ApiQuery({ name: 'control', required: false, description: 'Requires service' })
  @ApiQuery({ name: 'criterion', required: false })
  @ApiQuery({
    name: 'period',
    required: false,
    enum: ['30', '90', '180', '365'],
    description:
      'Rolling window in days; by default the length of `window` when it is P30D, P90D, P180D ' +
      'or P365D (window=P30D: the 30-day window of the last 30 days), else 90',
  })
  @WindowQueries()
  @ApiOkResponse({ type: TrendDto })
  @ApiNotFoundResponse({ description: 'Unknown service, control or criterion' })
  async trend(
    @Query()
    given: WindowQuery & {
      service?: string;
      control?: string;
      criterion?: string;
      period?: string;
    },
    @Principal() principal: Principal,
  ): Promise<TrendDto> {
    const query = blankAsAbsent(given, ['service', 'control', 'criterion', 'period']);
    const now = new Date();
    const window = parseQueryWindow(query, now, { defaultWindow: DEFAULT_WINDOW });
    const period = query.period === undefined ? defaultPeriod(window) : Number(query.period);
    if (!(ROLLING_WINDOW_DAYS as readonly number[]).includes(period)) {
      throw invalidParameter('period', `must be one of ${ROLLING_WINDOW_DAYS.join(', ')}`);
    }
    const scope = trendScope(query);
    if (scope.serviceId !== undefined) assertServiceAllowed(principal, scope.serviceId);
    else if (allowedServices(principal) !== null) {
      throw new ProblemException({
        status: 403,
        title: 'Forbidden',
        detail: 'This API key is limited to some services: ask for the trend of one of them',
      });
    }
    return this.trends.trend(scope, period, window);
  }

  @Get('services/:id/effectiveness')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One service rolled up, with one row per control (every SPEC §5 field)',
  })
  @ApiParam({ name: 'id', description: 'Service id' })
  @WindowQueries()
  @ApiOkResponse({ type: ServiceEffectivenessDto })
  @ApiNotFoundResponse({ description: 'Unknown service' })
  async service(
    @Param('id') id: string,
    @Query() query: WindowQuery,
    @Principal() principal: Principal,
  ): Promise<ServiceEffectivenessDto> {
    assertServiceAllowed(principal, id);
    const now = new Date();
    return this.effectiveness.service(
      id,
      parseQueryWindow(query, now, { defaultWindow: DEFAULT_WINDOW }),
      now,
    );
  }

  @Get('services/:id/controls/:controlId/effectiveness')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One (service, control) pair with its expected slots, their status and evidence',
  })
  @ApiParam({ name: 'id', description: 'Service id' })
  @ApiParam({ name: 'controlId', description: 'Control id' })
  @WindowQueries()
  @ApiOkResponse({ type: PairEffectivenessResponseDto })
  @ApiNotFoundResponse({
    description:
      'Unknown service or control, or a control never assigned to the service (a pair assigned only outside the window answers not_in_scope)',
  })
  async pair(
    @Param('id') id: string,
    @Param('controlId') controlId: string,
    @Query() query: WindowQuery,
    @Principal() principal: Principal,
  ): Promise<PairEffectivenessResponseDto> {
    assertServiceAllowed(principal, id);
    const now = new Date();
    return this.effectiveness.pair(
      id,
      controlId,
      parseQueryWindow(query, now, { defaultWindow: DEFAULT_WINDOW }),
      now,
    );
  }

  @Get('services/:id/controls/:controlId/results')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Raw result history of a pair, oldest first, paged by cursor over (time, seq)',
    description:
      'Any pair with stored results has a history, whether the catalogue knows its service and ' +
      'control or not (unmapped pairs, SPEC §3). Without from, to or window: the whole history.',
  })
  @ApiParam({ name: 'id', description: 'Service id' })
  @ApiParam({ name: 'controlId', description: 'Control id' })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'Results with time >= from (RFC 3339); not with window',
  })
  @ApiQuery({
    name: 'to',
    required: false,
    description: 'Results with time < to (RFC 3339); not with window',
  })
  @ApiQuery({
    name: 'window',
    required: false,
    description:
      'ISO 8601 duration ending now, e.g. P90D: results with now - window <= time < now; ' +
      'not with from/to',
  })
  @ApiQuery({
    name: 'outcome',
    required: false,
    description: 'Comma-separated outcomes, e.g. fail,error',
  })
  @ApiPageQuery()
  @ApiOkResponse({ type: StoredResultPageDto })
  @ApiNotFoundResponse({
    description: 'The catalogue does not know the service or the control, and no result is stored',
  })
  async results(
    @Param('id') id: string,
    @Param('controlId') controlId: string,
    @Query()
    query: WindowQuery & { outcome?: string; limit?: string; cursor?: string },
    @Principal() principal: Principal,
  ): Promise<StoredResultPageDto> {
    assertServiceAllowed(principal, id);
    return this.history.page(id, controlId, query, parseLimit(query.limit), new Date());
  }

  @Get('criteria/:criterionId/effectiveness')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The pairs whose control maps to a criterion, rolled up, with one row per pair',
  })
  @ApiParam({ name: 'criterionId', description: 'TSC 2017 criterion id, e.g. CC6.1' })
  @WindowQueries()
  @ApiOkResponse({ type: CriterionEffectivenessDto })
  @ApiNotFoundResponse({ description: 'Unknown criterion' })
  async criterion(
    @Param('criterionId') criterionId: string,
    @Query() query: WindowQuery,
    @Principal() principal: Principal,
  ): Promise<CriterionEffectivenessDto> {
    const now = new Date();
    return this.effectiveness.criterion(
      criterionId,
      parseQueryWindow(query, now, { defaultWindow: DEFAULT_WINDOW }),
      now,
      allowedServices(principal),
    );
  }
}

function trendScope(query: {
  service?: string;
  control?: string;
  criterion?: string;
}): SnapshotScope {
  if (query.control !== undefined && query.service === undefined) {
    throw invalidParameter('control', 'requires service');
  }
  if (query.criterion !== undefined && query.service !== undefined) {
    throw invalidParameter('criterion', 'give either criterion or service, not both');
  }
  if (query.service !== undefined && query.control !== undefined) {
    return { kind: 'pair', serviceId: query.service, controlId: query.control };
  }
  if (query.service !== undefined) return { kind: 'service', serviceId: query.service };
  if (query.criterion !== undefined) return { kind: 'criterion', criterionId: query.criterion };
  return { kind: 'fleet' };
}

/**
 * The rolling window a trend shows when `period` is not given: the window's own length when it
 * is one of the rolling windows (`window=P30D` reads as "the 30-day trend"), else 90 days.
 */
function defaultPeriod(window: { from: Date; to: Date }): number {
  const days = (window.to.getTime() - window.from.getTime()) / 86_400_000;
  return (ROLLING_WINDOW_DAYS as readonly number[]).includes(days) ? days : 90;
}
