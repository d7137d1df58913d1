import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OUTCOMES, type Outcome } from '@vigil/domain';

export class StoredResultDto {
  @ApiProperty({
    description:
      'Ingestion sequence number (the page order among results of the same time); slots and ' +
      'exports name results by their CloudEvent id',
  })
  seq!: string;
  @ApiProperty({ description: 'CloudEvent id, as the producer sent it (unique per source)' })
  id!: string;
  @ApiProperty({ description: 'CloudEvent source' }) source!: string;
  @ApiProperty({ description: 'Same as id' }) eventId!: string;
  @ApiProperty() serviceId!: string;
  @ApiProperty() controlId!: string;
  @ApiProperty({ enum: OUTCOMES }) outcome!: Outcome;
  @ApiProperty({ format: 'date-time', description: 'When the test ran (microsecond precision)' })
  time!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ description: 'Received more than 24 h after it ran' }) late!: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  evidence!: unknown;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  test!: unknown;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  details!: unknown;
}

export class StoredResultPageDto {
  @ApiProperty({ type: [StoredResultDto] }) items!: StoredResultDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}
