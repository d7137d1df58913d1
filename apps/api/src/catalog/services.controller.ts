import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CatalogRepository } from '@vigil/persistence';
import { assertServiceAllowed, principalOf } from '../auth/principal';
import { READERS, Roles } from '../auth/roles.decorator';
import { parseLimit, toPage, ApiPageQuery } from '../http/pagination';
import { cursorKey } from './catalog-cursor';
import { notFound } from '../http/problem';
import { ApiProblemResponses } from '../http/problem-details.schema';
import {
  ServiceDetailDto,
  ServicePageDto,
  toServiceDetailDto,
  toServiceDto,
} from './dto/service.dto';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('api/v1/services')
export class ServicesController {
  constructor(@Inject(CatalogRepository) private readonly catalog: CatalogRepository) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Services, by id (retired ones too, with active = false)' })
  @ApiPageQuery()
  @ApiOkResponse({ type: ServicePageDto })
  @ApiProblemResponses(400)
  async list(
    @Req() request: Request,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<ServicePageDto> {
    const size = parseLimit(limit);
    const rows = await this.catalog.listServices(
      { limit: size, after: cursorKey(cursor, 1) },
      { serviceIds: principalOf(request)?.services ?? null },
    );
    const page = toPage(rows, size, (s) => [s.id]);
    return { items: page.items.map(toServiceDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One service with its current and past assignments' })
  @ApiParam({ name: 'id', example: 'payments-api' })
  @ApiOkResponse({ type: ServiceDetailDto })
  @ApiProblemResponses(404)
  async get(@Req() request: Request, @Param('id') id: string): Promise<ServiceDetailDto> {
    const principal = principalOf(request);
    if (principal) assertServiceAllowed(principal, id);
    const service = await this.catalog.findService(id);
    if (!service) throw notFound(`No service "${id}"`);
    return toServiceDetailDto(service, new Date(), () => true);
  }
}
