import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem';

export const PROBLEM_SCHEMA_NAME = 'ProblemDetails';

@ApiSchema({ name: 'ProblemError' })
class ProblemErrorSchema {
  @ApiPropertyOptional({ description: 'JSON pointer into the request body' })
  pointer?: string;
  @ApiPropertyOptional({ description: 'The query, path or body parameter at fault' })
  parameter?: string;
  @ApiPropertyOptional({ description: 'Index of the event in a batch' })
  index?: number;
  @ApiPropertyOptional()
  id?: string;
  @ApiPropertyOptional({ description: 'A stable machine-readable code' })
  code?: string;
  @ApiProperty()
  detail!: string;
}

/** The OpenAPI schema of every error answer (RFC 9457 application/problem+json). */
@ApiSchema({ name: PROBLEM_SCHEMA_NAME, description: 'RFC 9457 problem details' })
export class ProblemDetailsSchema {
  @ApiProperty({ example: 'about:blank' })
  type!: string;
  @ApiProperty({ example: 'Bad Request' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiPropertyOptional({ example: 'Invalid parameter "limit": must be an integer from 1 to 1000' })
  detail?: string;
  @ApiPropertyOptional({ example: '/api/v1/services' })
  instance?: string;
  @ApiPropertyOptional({ type: [ProblemErrorSchema] })
  errors?: ProblemErrorSchema[];
  @ApiPropertyOptional({
    description:
      'POST /api/v1/results with a partly invalid batch: the events that were accepted ' +
      '(produced to Kafka) beside the rejected ones in errors',
    type: 'array',
    items: {
      type: 'object',
      properties: { source: { type: 'string' }, id: { type: 'string' } },
      required: ['source', 'id'],
    },
  })
  accepted?: Array<{ source: string; id: string }>;
  @ApiPropertyOptional({ description: 'How many events of the batch were accepted' })
  count?: number;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid parameter or body (the problem names each parameter)',
  401: 'Missing, unknown, expired or revoked API key',
  403: 'The API key lacks the role, or may not access the service',
  404: 'No such resource',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests for this API key (see Retry-After)',
  503: 'A dependency is unavailable',
};

/** A problem+json response object, for hand-built OpenAPI operations. */
export function problemResponse(status: number, description = DESCRIPTIONS[status] ?? 'Error') {
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(PROBLEM_SCHEMA_NAME) } } },
  };
}

/**
 * Documents error answers as problem+json: `@ApiProblemResponses(400, 404)`. 401, 403 and 429
 * are added to every protected operation by the document post-processing (http/openapi.ts).
 */
export function ApiProblemResponses(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsSchema),
    ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })),
  );
}
