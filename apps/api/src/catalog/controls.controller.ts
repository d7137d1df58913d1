import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CatalogRepository } from '@vigil/persistence';
import { isServiceAllowed, principalOf } from '../auth/principal';
import { READERS, Roles } from '../auth/roles.decorator';
import { parseLimit, toPage, ApiPageQuery } from '../http/pagination';
import { notFound } from '../http/problem';
import { ApiProblemResponses } from '../http/problem-details.schema';
import {
  ControlDetailDto,
  ControlPageDto,
  toControlDetailDto,
  toControlDto,
} from './dto/control.dto';
import { cursorKey } from './catalog-cursor';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('api/v1/controls')
export class ControlsController {
  constructor(@Inject(CatalogRepository) private readonly catalog: CatalogRepository) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Controls with their current definition, by id (retired ones too)' })
  @ApiPageQuery()
  @ApiOkResponse({ type: ControlPageDto })
  @ApiProblemResponses(400)
  async list(
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<ControlPageDto> {
    const size = parseLimit(limit);
    const rows = await this.catalog.listControls({ limit: size, after: cursorKey(cursor, 1) });
    const page = toPage(rows, size, (c) => [c.id]);
    return { items: page.items.map(toControlDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One control: current definition, every past version, and its assignments',
    description: 'Past periods are evaluated with the version in force then.',
  })
  @ApiParam({ name: 'id', example: 'mfa-enforced' })
  @ApiOkResponse({ type: ControlDetailDto })
  @ApiProblemResponses(404)
  async get(@Req() request: Request, @Param('id') id: string): Promise<ControlDetailDto> {
    const control = await this.catalog.findControl(id);
    if (!control) throw notFound(`No control "${id}"`);
    const principal = principalOf(request);
    return toControlDetailDto(control, new Date(), (a) =>
      principal ? isServiceAllowed(principal, a.serviceId) : true,
    );
  }
}
