import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiPageQuery, parseLimit } from '../http/pagination';
import { ApiProblemResponses } from '../http/problem-details.schema';
import { ApiKeyPage, CreateApiKeyDto, CreatedApiKeyView } from './dto/api-key.dto';
import { KeysService } from './keys.service';
import { Principal } from './principal';
import { Roles } from './roles.decorator';

@ApiTags('keys')
@Roles('admin')
@Controller('api/v1/keys')
export class KeysController {
  constructor(@Inject(KeysService) private readonly keys: KeysService) {}

  @Get()
  @ApiOperation({ summary: 'List API keys (never their secrets)' })
  @ApiPageQuery()
  @ApiOkResponse({ type: ApiKeyPage })
  @ApiProblemResponses(400)
  list(@Query('limit') limit: unknown, @Query('cursor') cursor: unknown): Promise<ApiKeyPage> {
    return this.keys.list(parseLimit(limit), cursor, new Date());
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key; the answer holds its secret, shown only once' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  @ApiProblemResponses(400, 415)
  create(
    @Body() body: CreateApiKeyDto,
    @Principal() principal: Principal,
  ): Promise<CreatedApiKeyView> {
    return this.keys.create(body, principal, new Date());
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API key (idempotent); it stops working within seconds' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblemResponses(404)
  revoke(@Param('id') id: string, @Principal() principal: Principal): Promise<void> {
    return this.keys.revoke(id, principal, new Date());
  }
}
