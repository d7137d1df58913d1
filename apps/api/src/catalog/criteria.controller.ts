import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CatalogRepository } from '@vigil/persistence';
import { READERS, Roles } from '../auth/roles.decorator';
import { ApiPageQuery, parseLimit, toPage } from '../http/pagination';
import { invalidParameter } from '../http/problem';
import { ApiProblemResponses } from '../http/problem-details.schema';
import { cursorKey } from './catalog-cursor';
import { CriterionListDto, toCriterionDto } from './dto/criterion.dto';

/** Short names of the categories, as the criterion ids spell them (CC6.1, A1.2, PI1.1, …). */
const CATEGORY_CODES: Record<string, string> = {
  cc: 'Common Criteria (Security)',
  security: 'Common Criteria (Security)',
  a: 'Availability',
  pi: 'Processing Integrity',
  c: 'Confidentiality',
  p: 'Privacy',
};

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('api/v1/criteria')
export class CriteriaController {
  constructor(@Inject(CatalogRepository) private readonly catalog: CatalogRepository) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'The AICPA 2017 Trust Services Criteria (CC1.1 … P8.1), in order' })
  @ApiQuery({
    name: 'category',
    required: false,
    description:
      'A category name (e.g. "Availability", case-insensitive) or its id prefix: CC, A, PI, C, P',
  })
  @ApiPageQuery()
  @ApiOkResponse({ type: CriterionListDto })
  @ApiProblemResponses(400)
  async list(
    @Query('category') category?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<CriterionListDto> {
    const size = parseLimit(limit);
    const after = cursorKey(cursor, 1);
    let categories: string[] | undefined;
    if (category !== undefined && category !== '') {
      const known = await this.catalog.listCriterionCategories();
      const wanted = CATEGORY_CODES[category.toLowerCase()] ?? category;
      const match = known.find((k) => k.toLowerCase() === wanted.toLowerCase());
      if (!match) {
        throw invalidParameter(
          'category',
          `must be one of ${known.join(', ')} (or CC, A, PI, C, P)`,
        );
      }
      categories = [match];
    }
    const criteria = await this.catalog.listCriteria({ categories });
    // The canonical order (CC1.1 … P8.1) is not the order of the ids, so the cursor's id is a
    // position in the (small, fixed) list rather than a keyset bound.
    const start = after === null ? 0 : criteria.findIndex((c) => c.id === after[0]) + 1;
    if (after !== null && start === 0) {
      throw invalidParameter('cursor', 'is not a cursor this API returned');
    }
    const page = toPage(criteria.slice(start, start + size + 1), size, (c) => [c.id]);
    return { items: page.items.map(toCriterionDto), nextCursor: page.nextCursor };
  }
}
