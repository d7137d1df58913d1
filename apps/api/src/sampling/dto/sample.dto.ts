import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SampledResultDto {
  @ApiProperty({
    description: 'The CloudEvent id',
    example: 'c0a8e0f2-6f1e-4a52-9a53-0b1f6f0f3b7e',
  })
  id!: string;
  @ApiProperty({ description: 'The CloudEvent source', example: '//ci.acme.dev/checks/mfa' })
  source!: string;
  @ApiProperty({ format: 'date-time' }) time!: string;
  @ApiProperty({ enum: ['pass', 'fail', 'error', 'not_applicable'] }) outcome!: string;
  @ApiProperty() late!: boolean;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'As sent: uri, sha256, summary',
  })
  evidence!: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  test!: Record<string, unknown> | null;
}

export class SampledSlotDto {
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ format: 'date-time', description: 'Exclusive' }) end!: string;
  @ApiProperty({ enum: ['passed', 'failed', 'missed'] }) status!: string;
  @ApiProperty({ description: 'The ranking key: hex SHA-256 of "<seed>:<start>"' }) rank!: string;
  @ApiProperty({ type: [String], description: 'CloudEvent ids of the results in the slot' })
  resultIds!: string[];
  @ApiProperty({ type: [String] }) evidenceUris!: string[];
  @ApiProperty({ type: [SampledResultDto] }) results!: SampledResultDto[];
}

export class SampleDto {
  @ApiProperty() service!: string;
  @ApiProperty() control!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'annually'] })
  frequency!: string;
  @ApiProperty({
    type: 'object',
    properties: {
      from: { type: 'string', format: 'date-time' },
      to: { type: 'string', format: 'date-time' },
    },
  })
  window!: { from: string; to: string };
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ description: 'The seed used; give it again to get the same sample' })
  seed!: string;
  @ApiProperty({
    enum: ['given', 'derived'],
    description: 'derived: "<service>/<control>/<from>/<to>" when no seed was given',
  })
  seedSource!: 'given' | 'derived';
  @ApiProperty({ description: 'Slots in the sample: the requested size capped at the population' })
  size!: number;
  @ApiProperty({ description: 'size asked for, or the default for the frequency' })
  requestedSize!: number;
  @ApiProperty({ description: 'Expected slots that are not not_applicable' })
  populationSize!: number;
  @ApiProperty() algorithm!: string;
  @ApiProperty({ type: [SampledSlotDto] }) items!: SampledSlotDto[];
}
