import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { blankAsAbsent } from '../http/blank-as-absent';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Principal, assertServiceAllowed } from '../auth/principal';
import { READERS, Roles } from '../auth/roles.decorator';
import { invalidParameter } from '../http/problem';
import { ApiProblemResponses } from '../http/problem-details.schema';
import { parseQueryWindow } from '../http/window';
import { SampleDto } from './dto/sample.dto';
import { SamplingService } from './sampling.service';

const MAX_SIZE = 10_000;

@ApiTags('sampling')
@ApiBearerAuth()
@Controller('api/v1/services')
export class SamplingController {
  constructor(@Inject(SamplingService) private readonly sampling: SamplingService) {}

  @Get(':id/controls/:controlId/sample')
  // A read (SPEC §6: dashboard = read): GRC teams prepare the auditor's samples too.
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'A reproducible random sample of expected slots, with their evidence, for auditor testing (SPEC §6)',
    description:
      'The population is the expected slots of the pair in the window that are not not_applicable. Each slot is ranked by the ' +
      'hex SHA-256 of "<seed>:<slot start, ISO 8601 UTC with milliseconds>"; the lowest ranks form the sample, listed by start. ' +
      'The same seed gives the same sample on every machine and version. Default size by frequency: annually 1, quarterly 2, ' +
      'monthly 2, weekly 5, daily 25, hourly 25; capped at the population.',
  })
  @ApiParam({ name: 'id', example: 'payments-api' })
  @ApiParam({ name: 'controlId', example: 'mfa-enforced' })
  @ApiQuery({ name: 'from', required: false, description: 'Window start (RFC 3339), with `to`' })
  @ApiQuery({ name: 'to', required: false, description: 'Window end, exclusive (RFC 3339)' })
  @ApiQuery({
    name: 'window',
    required: false,
    description: 'Or an ISO 8601 duration ending now, e.g. P90D',
  })
  @ApiQuery({
    name: 'seed',
    required: false,
    description: '1–200 characters; default "<service>/<control>/<from>/<to>"',
  })
  @ApiQuery({
    name: 'size',
    required: false,
    type: Number,
    description: `1–${MAX_SIZE}; default by frequency`,
  })
  @ApiOkResponse({ type: SampleDto })
  @ApiProblemResponses(400, 401, 403, 404)
  async sample(
    @Principal() principal: Principal,
    @Param('id') serviceId: string,
    @Param('controlId') controlId: string,
    @Query() given: { from?: string; to?: string; window?: string; seed?: string; size?: string },
  ): Promise<SampleDto> {
    const query = blankAsAbsent(given, ['seed', 'size']);
    assertServiceAllowed(principal, serviceId);
    const now = new Date();
    const window = parseQueryWindow(query, now);
    if (
      query.seed !== undefined &&
      (typeof query.seed !== 'string' || query.seed.length < 1 || query.seed.length > 200)
    ) {
      throw invalidParameter('seed', 'must be 1 to 200 characters');
    }
    let size: number | undefined;
    if (query.size !== undefined) {
      if (
        typeof query.size !== 'string' ||
        !/^\d{1,6}$/.test(query.size) ||
        Number(query.size) < 1 ||
        Number(query.size) > MAX_SIZE
      ) {
        throw invalidParameter('size', `must be an integer from 1 to ${MAX_SIZE}`);
      }
      size = Number(query.size);
    }
    return this.sampling.sample({ serviceId, controlId, window, now, seed: query.seed, size });
  }
}
