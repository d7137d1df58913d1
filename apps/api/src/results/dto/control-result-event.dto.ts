import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  CONTROL_RESULT_V1_TYPE,
  MAX_EVENT_BYTES,
  OUTCOMES,
  Outcome,
  RESOURCE_ID_PATTERN,
} from '@vigil/contracts';

/** OpenAPI description of the event body only; validation is the contract's (libs/contracts). */
@ApiSchema({ name: 'ControlResultEvidence' })
class ControlResultEvidenceDto {
  @ApiPropertyOptional({ example: 's3://evidence/mfa/2026-11-29.json' })
  uri?: string;
  @ApiPropertyOptional({
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  })
  sha256?: string;
  @ApiPropertyOptional({ example: '42/42 users have MFA' })
  summary?: string;
}

@ApiSchema({ name: 'ControlResultTest' })
class ControlResultTestDto {
  @ApiPropertyOptional({ example: 'aws-iam-mfa-check' })
  id?: string;
  @ApiPropertyOptional({ example: '1.4.2' })
  version?: string;
}

@ApiSchema({ name: 'ControlResultDataV1' })
class ControlResultDataDto {
  @ApiProperty({ pattern: RESOURCE_ID_PATTERN.source, maxLength: 128, example: 'mfa-enforced' })
  controlId!: string;
  @ApiProperty({
    enum: OUTCOMES,
    description: '`error` means the test could not run',
    example: 'pass',
  })
  outcome!: Outcome;
  @ApiPropertyOptional({
    type: ControlResultEvidenceDto,
    description: 'Stored as given; further members allowed',
  })
  evidence?: ControlResultEvidenceDto;
  @ApiPropertyOptional({
    type: ControlResultTestDto,
    description: 'Which test (and version) produced the result; further members allowed',
  })
  test?: ControlResultTestDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { checked: 42 },
    description: 'Free-form, stored as given',
  })
  details?: Record<string, unknown>;
}

@ApiSchema({
  name: 'ControlResultEventV1',
  description: `A CloudEvents 1.0 event in structured JSON mode (SPEC §3), at most ${MAX_EVENT_BYTES} bytes. Extension attributes (lower-case names, string/number/boolean values) are allowed and kept.`,
})
export class ControlResultEventDto {
  @ApiProperty({ enum: ['1.0'], example: '1.0' })
  specversion!: string;
  @ApiProperty({
    minLength: 1,
    example: 'c0a8e0f2-6f1e-4a52-9a53-0b1f6f0f3b7e',
    description: 'Unique per source; (source, id) identifies the event',
  })
  id!: string;
  @ApiProperty({ minLength: 1, example: '//ci.acme.dev/checks/mfa' })
  source!: string;
  @ApiProperty({ enum: [CONTROL_RESULT_V1_TYPE], example: CONTROL_RESULT_V1_TYPE })
  type!: string;
  @ApiProperty({
    format: 'date-time',
    example: '2026-11-29T10:02:11Z',
    description:
      'When the test ran: RFC 3339 with offset; at most 5 min ahead of the server clock; more than 24 h old is stored as late',
  })
  time!: string;
  @ApiProperty({
    pattern: RESOURCE_ID_PATTERN.source,
    maxLength: 128,
    example: 'payments-api',
    description: 'The service id',
  })
  subject!: string;
  @ApiPropertyOptional({ example: 'application/json', description: 'application/json if present' })
  datacontenttype?: string;
  @ApiProperty({ type: ControlResultDataDto })
  data!: ControlResultDataDto;
}
