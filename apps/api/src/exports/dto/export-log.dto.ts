import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ExportLogEntryDto {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) completedAt!:
    string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Id of the API key that asked',
  })
  keyId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) keyName!: string | null;
  @ApiProperty({ example: 'auditor' }) role!: string;
  @ApiProperty({ enum: ['csv', 'json', 'oscal', 'pdf', 'zip'] }) format!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'CSV exports: the table' })
  table!: string | null;
  @ApiProperty({
    description: 'from, to, asOf, services (null = all)',
    type: 'object',
    additionalProperties: true,
  })
  parameters!: Record<string, unknown>;
  @ApiProperty({ enum: ['started', 'completed', 'failed', 'aborted'] }) status!: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'zip: SHA-256 of manifest.json; other formats: SHA-256 of the file',
  })
  sha256!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) bytes!: number | null;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Rows per table',
  })
  rowCounts!: Record<string, number> | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error!: string | null;
}

export class ExportLogPageDto {
  @ApiProperty({ type: [ExportLogEntryDto] }) items!: ExportLogEntryDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor!: string | null;
}
