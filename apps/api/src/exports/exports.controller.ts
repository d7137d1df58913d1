import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { EXPORT_TABLES, type ExportTable } from '@vigil/contracts';
import { CatalogRepository } from '@vigil/persistence';
import {
  allowedServices,
  assertServiceAllowed,
  principalOf,
  type Principal,
} from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { parseLimit, toPage, decodeCursor, ApiPageQuery } from '../http/pagination';
import { invalidParameter, notFound } from '../http/problem';
import { ApiProblemResponses } from '../http/problem-details.schema';
import { parseInstant } from '../http/window';
import { ExportLogPageDto } from './dto/export-log.dto';
import { EXPORT_FORMATS, type ExportFormat, type ExportRequest } from './export-request';
import { ExportsService } from './exports.service';

const SERVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const MAX_PERIOD_MS = 5 * 366 * 86_400_000;

@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/v1/exports')
export class ExportsController {
  constructor(
    @Inject(ExportsService) private readonly exports: ExportsService,
    @Inject(CatalogRepository) private readonly catalog: CatalogRepository,
  ) {}

  @Get('period')
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary: "A period's operating effectiveness for auditors (SPEC §7), streamed",
    description:
      'csv: one table (`table=summary|occurrences|results`, default summary), RFC 4180 with a header row. ' +
      'json: {parameters, summary, occurrences, results, rowCounts, empty}. oscal: OSCAL 1.2.1 assessment results. ' +
      'pdf: the readable report. zip: summary.csv, occurrences.csv, results.csv, assessment-results.oscal.json, ' +
      'report.pdf and manifest.json (SHA-256 of every file; check it offline with `vigil verify`). ' +
      'A closed period gives byte-identical files (the generation time is only in manifest.json). ' +
      'An auditor key limited to services exports only those. Every export is logged.',
  })
  @ApiQuery({
    name: 'from',
    required: true,
    description: 'Period start, RFC 3339 (inclusive)',
    example: '2026-01-01T00:00:00Z',
  })
  @ApiQuery({
    name: 'to',
    required: true,
    description: 'Period end, RFC 3339 (exclusive)',
    example: '2026-04-01T00:00:00Z',
  })
  @ApiQuery({
    name: 'service',
    required: false,
    description: 'One service; default every service the key may read',
  })
  @ApiQuery({ name: 'format', required: false, enum: EXPORT_FORMATS, description: 'Default zip' })
  @ApiQuery({
    name: 'table',
    required: false,
    enum: EXPORT_TABLES,
    description: 'CSV only; default summary',
  })
  @ApiProduces('application/zip', 'text/csv', 'application/json', 'application/pdf')
  @ApiOkResponse({
    description: 'The export, streamed (Content-Disposition: attachment)',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiProblemResponses(400, 401, 403, 404)
  async period(
    @Req() req: Request,
    @Res() res: Response,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('service') service?: string,
    @Query('format') format?: string,
    @Query('table') table?: string,
  ): Promise<void> {
    const principal = principalOf(req) as Principal;
    const request = parseExportRequest(principal, { from, to, service, format, table }, new Date());
    if (service !== undefined && service !== '' && !(await this.catalog.serviceExists(service))) {
      throw notFound(`No service "${service}"`);
    }
    await this.exports.stream(principal, request, res);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'The export log, newest first: who exported what, when, and the hash of what they got',
  })
  @ApiPageQuery()
  @ApiOkResponse({ type: ExportLogPageDto })
  @ApiProblemResponses(400, 401, 403)
  async list(
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<ExportLogPageDto> {
    const size = parseLimit(limit);
    const key = decodeCursor(cursor);
    if (
      key !== null &&
      (key.length !== 1 || typeof key[0] !== 'string' || !/^\d{1,19}$/.test(key[0]))
    ) {
      throw invalidParameter('cursor', 'is not a cursor this API returned');
    }
    const rows = await this.exports.listExports(size + 1, key === null ? null : (key[0] as string));
    return toPage(rows, size, (row) => [row.id]);
  }
}

/** Validates the query of an export; the scope is the key's services when none is named. */
export function parseExportRequest(
  principal: Principal,
  query: { from?: string; to?: string; service?: string; format?: string; table?: string },
  now: Date,
): ExportRequest {
  if (query.from === undefined) throw invalidParameter('from', 'is required');
  if (query.to === undefined) throw invalidParameter('to', 'is required');
  const from = parseInstant('from', query.from);
  const to = parseInstant('to', query.to);
  if (from.getTime() >= to.getTime()) throw invalidParameter('from', 'must be before to');
  if (to.getTime() - from.getTime() > MAX_PERIOD_MS)
    throw invalidParameter('to', 'the period must not be longer than five years');
  const format = (query.format ?? 'zip') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format))
    throw invalidParameter('format', `must be one of ${EXPORT_FORMATS.join(', ')}`);
  const table = (query.table ?? 'summary') as ExportTable;
  if (!EXPORT_TABLES.includes(table))
    throw invalidParameter('table', `must be one of ${EXPORT_TABLES.join(', ')}`);
  if (query.table !== undefined && format !== 'csv')
    throw invalidParameter('table', 'applies to format=csv only');
  let serviceIds: string[] | null;
  if (query.service !== undefined && query.service !== '') {
    if (!SERVICE_ID.test(query.service)) throw invalidParameter('service', 'is not a service id');
    assertServiceAllowed(principal, query.service);
    serviceIds = [query.service];
  } else {
    const allowed = allowedServices(principal);
    serviceIds = allowed === null ? null : [...allowed].sort();
  }
  const asOf = new Date(Math.min(to.getTime(), now.getTime()));
  return { from, to, asOf, now, serviceIds, format, table };
}
