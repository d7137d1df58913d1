import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CatalogRepository } from '@vigil/persistence';
import { principalOf } from '../auth/principal';
import { READERS, Roles } from '../auth/roles.decorator';
import { parseLimit, toPage, ApiPageQuery } from '../http/pagination';
import { ApiProblemResponses } from '../http/problem-details.schema';
import { UnmappedPairPageDto, toUnmappedPairDto } from './dto/unmapped.dto';
import { cursorKey } from './catalog-cursor';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('api/v1/unmapped')
export class UnmappedController {
  constructor(@Inject(CatalogRepository) private readonly catalog: CatalogRepository) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Pairs with results that no assignment ever covered',
    description:
      'Results for an unknown service or control, or for a pair never assigned, are stored, not ' +
      'rejected (SPEC §3); this lists them with their counts and first/last result times.',
  })
  @ApiPageQuery()
  @ApiOkResponse({ type: UnmappedPairPageDto })
  @ApiProblemResponses(400)
  async list(
    @Req() request: Request,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<UnmappedPairPageDto> {
    const size = parseLimit(limit);
    const rows = await this.catalog.listUnmappedPairs(
      { limit: size, after: cursorKey(cursor, 2) },
      { serviceIds: principalOf(request)?.services ?? null },
    );
    const page = toPage(rows, size, (r) => [r.serviceId, r.controlId]);
    return { items: page.items.map(toUnmappedPairDto), nextCursor: page.nextCursor };
  }
}
