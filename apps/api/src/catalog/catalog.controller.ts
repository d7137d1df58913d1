import { Controller, Get, HttpCode, Inject, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  CatalogApplySummary,
  catalogDocumentToJson,
  catalogDocumentToYaml,
  CatalogDocumentJson,
} from '@vigil/contracts';
import { CatalogRepository } from '@vigil/persistence';
import { principalOf } from '../auth/principal';
import { READERS, Roles } from '../auth/roles.decorator';
import { parseLimit, toPage, ApiPageQuery } from '../http/pagination';
import { ProblemException, invalidParameter } from '../http/problem';
import { ApiProblemResponses } from '../http/problem-details.schema';
import { CatalogApplyService, CatalogInput } from './catalog-apply.service';
import { currentCatalogDocument } from './current-catalog-document';
import { CatalogApplyPageDto, toCatalogApplyDto } from './dto/catalog-apply.dto';
import { CatalogApplySummaryDto, CatalogDocumentDto } from './dto/catalog-document.dto';
import { cursorKey } from './catalog-cursor';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** The route of the catalogue; bootstrap.ts takes its text/plain bodies as YAML. */
export const CATALOG_PATH = 'api/v1/catalog';

/** `PUT|GET /api/v1/catalog`: controls as code (SPEC §4). */
@ApiTags('catalog')
@ApiBearerAuth()
@ApiExtraModels(CatalogDocumentDto)
@Controller(CATALOG_PATH)
export class CatalogController {
  constructor(
    @Inject(CatalogApplyService) private readonly applier: CatalogApplyService,
    @Inject(CatalogRepository) private readonly catalog: CatalogRepository,
  ) {}

  @Put()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Apply the whole catalogue document',
    description:
      'Validates the document (every fault reported with its JSON Pointer) and applies it in one ' +
      'transaction, idempotently. Nothing is deleted: services and controls missing from the ' +
      'document are retired, running assignments missing from it are ended now, a changed ' +
      'control definition becomes a new version from now. With dryRun=true nothing is written.',
  })
  @ApiConsumes('application/yaml', 'text/yaml', 'text/plain', 'application/json')
  @ApiBody({
    description: 'The catalogue document, as YAML or JSON',
    schema: { $ref: getSchemaPath(CatalogDocumentDto) },
  })
  @ApiQuery({
    name: 'dryRun',
    required: false,
    type: Boolean,
    description: 'Validate and compute the changes, then roll back',
  })
  @ApiOkResponse({ type: CatalogApplySummaryDto })
  @ApiProblemResponses(400, 415)
  async apply(
    @Req() request: Request,
    @Query('dryRun') dryRun?: string,
  ): Promise<CatalogApplySummary> {
    return this.applier.apply(catalogInput(request), {
      dryRun: parseDryRun(dryRun),
      appliedBy: principalOf(request)?.keyId ?? null,
      now: new Date(),
    });
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The current catalogue document',
    description:
      'YAML when Accept prefers application/yaml or text/yaml, JSON otherwise. Applying it ' +
      'unchanged changes nothing. Keys limited to services see only those services.',
  })
  @ApiProduces('application/json', 'application/yaml')
  @ApiOkResponse({ type: CatalogDocumentDto })
  async current(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CatalogDocumentJson | string> {
    const state = await this.catalog.loadState();
    const document = currentCatalogDocument(state, principalOf(request)?.services ?? null);
    const preferred = request.accepts(['application/json', ...YAML_TYPES]);
    if (typeof preferred === 'string' && YAML_TYPES.includes(preferred)) {
      response.type(`${preferred}; charset=utf-8`);
      return catalogDocumentToYaml(document);
    }
    return catalogDocumentToJson(document);
  }

  @Get('applies')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'The log of catalogue applies, newest first',
    description: 'When the scope changed, by which key, and what changed: an audit trail.',
  })
  @ApiPageQuery()
  @ApiOkResponse({ type: CatalogApplyPageDto })
  @ApiProblemResponses(400)
  async applies(
    @Req() request: Request,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<CatalogApplyPageDto> {
    // The log names every service of every apply: not for keys limited to some services.
    if ((principalOf(request)?.services ?? null) !== null) {
      throw new ProblemException({
        status: 403,
        title: 'Forbidden',
        detail: 'This API key is limited to some services; the apply log covers all of them',
      });
    }
    const size = parseLimit(limit);
    const before = cursorKey(cursor, 1)?.[0] ?? null;
    if (before !== null && !/^\d{1,19}$/.test(before)) {
      throw invalidParameter('cursor', 'is not a cursor this API returned');
    }
    const rows = await this.catalog.listApplies({ limit: size, beforeId: before });
    const page = toPage(rows, size, (r) => [r.id]);
    return { items: page.items.map(toCatalogApplyDto), nextCursor: page.nextCursor };
  }
}

/** YAML arrives as text (bootstrap.ts registers a text parser for it), JSON already parsed. */
function catalogInput(request: Request): CatalogInput {
  const raw = (request as Request & { rawBody?: Buffer }).rawBody;
  const body: unknown = request.body;
  if (typeof body === 'string') {
    return { kind: 'text', format: 'yaml', text: body, raw: raw ?? Buffer.from(body, 'utf8') };
  }
  return { kind: 'parsed', value: body ?? null, raw };
}

function parseDryRun(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw invalidParameter('dryRun', 'must be true or false');
}
