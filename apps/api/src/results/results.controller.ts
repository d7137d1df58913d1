import { Controller, HttpCode, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  CLOUDEVENTS_BATCH_JSON,
  CLOUDEVENTS_JSON,
  MAX_DATA_DEPTH,
  MAX_EVENT_BYTES,
} from '@vigil/contracts';
import { Roles } from '../auth/roles.decorator';
import { ProblemException } from '../http/problem';
import { ApiProblemResponses } from '../http/problem-details.schema';
import { AcceptedResultsDto } from './dto/accepted-results.dto';
import { ControlResultEventDto } from './dto/control-result-event.dto';
import { MAX_BATCH_EVENTS, ResultsIngestService } from './results-ingest.service';

const EXAMPLE_EVENT = {
  specversion: '1.0',
  id: 'c0a8e0f2-6f1e-4a52-9a53-0b1f6f0f3b7e',
  source: '//ci.acme.dev/checks/mfa',
  type: 'io.vigil.control.result.v1',
  time: '2026-11-29T10:02:11Z',
  subject: 'payments-api',
  datacontenttype: 'application/json',
  data: {
    controlId: 'mfa-enforced',
    outcome: 'pass',
    evidence: { uri: 's3://evidence/mfa/2026-11-29.json', summary: '42/42 users have MFA' },
    test: { id: 'aws-iam-mfa-check', version: '1.4.2' },
    details: { checked: 42 },
  },
};

/** The route of HTTP ingest; bootstrap.ts and the HTTP conventions treat its body apart. */
export const RESULTS_PATH = 'api/v1/results';

/** Retry hint for 503: Kafka outages are usually short (leader election, broker restart). */
const RETRY_AFTER_SECONDS = '5';

@ApiTags('results')
@ApiBearerAuth()
@ApiExtraModels(ControlResultEventDto, AcceptedResultsDto)
@Controller(RESULTS_PATH)
export class ResultsController {
  constructor(@Inject(ResultsIngestService) private readonly ingest: ResultsIngestService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @Roles('producer', 'admin')
  @ApiOperation({
    summary: 'Submit control-test results (CloudEvents) over HTTP',
    description: [
      `One event (\`${CLOUDEVENTS_JSON}\` or \`application/json\`) or a batch of 1 to ${MAX_BATCH_EVENTS} (\`${CLOUDEVENTS_BATCH_JSON}\`, or a JSON array as \`application/json\`).`,
      "One event may also come in the CloudEvents HTTP binding's binary mode: its attributes as `ce-*` headers (`ce-specversion`, `ce-id`, `ce-source`, `ce-type`, `ce-time`, `ce-subject`, extensions; percent-encoded where the binding says), its `data` as the `application/json` body.",
      `Every event is validated as on the Kafka path (SPEC §3; each at most ${MAX_EVENT_BYTES} bytes, \`data\` at most ${MAX_DATA_DEPTH} levels deep, no NUL character in any string). Each event is judged on its own, as on Kafka: the valid ones are produced; if any is invalid the answer is 400 with one entry per rejected event in \`errors\` (\`index\`, \`id\`, \`code\`, \`detail\`, \`pointer\`) and, for a batch, the events that were accepted in \`accepted\` and \`count\`. Resending a whole batch is safe: events are stored once.`,
      'Otherwise all events are produced to the results topic, keyed by service id, and the answer is 202 once Kafka has acknowledged them (all in-sync replicas). A 503 is safe to retry with the same body: events are identified by (source, id) and stored once.',
    ].join('\n\n'),
  })
  @ApiConsumes(CLOUDEVENTS_JSON, CLOUDEVENTS_BATCH_JSON, 'application/json')
  @ApiBody({
    description: 'A CloudEvent, or a JSON array of them',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(ControlResultEventDto) },
        {
          type: 'array',
          minItems: 1,
          maxItems: MAX_BATCH_EVENTS,
          items: { $ref: getSchemaPath(ControlResultEventDto) },
        },
      ],
    },
    examples: {
      single: { summary: 'One event', value: EXAMPLE_EVENT },
      batch: { summary: 'A batch', value: [EXAMPLE_EVENT] },
    },
  })
  @ApiAcceptedResponse({
    description: 'Every event was acknowledged by Kafka',
    type: AcceptedResultsDto,
  })
  @ApiProblemResponses(400, 415, 503)
  async submit(
    @Req() request: RawBodyRequest<Request>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AcceptedResultsDto> {
    try {
      return await this.ingest.ingest({
        contentType: request.headers['content-type'],
        body: request.body as unknown,
        rawBody: request.rawBody,
        receivedAt: new Date(),
        ceHeaders: ceHeadersOf(request),
      });
    } catch (error) {
      if (error instanceof ProblemException && error.problem.status === 503) {
        response.setHeader('Retry-After', RETRY_AFTER_SECONDS);
      }
      throw error;
    }
  }
}

/** The request's `ce-*` headers, each once (a repeated one is joined, and then refused). */
function ceHeadersOf(request: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!name.startsWith('ce-') || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}
