import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VERDICTS, type Verdict } from '@vigil/domain';
import { WindowDto } from './effectiveness.dto';

export class TrendScopeDto {
  @ApiProperty({ enum: ['pair', 'service', 'criterion', 'fleet'] }) kind!:
    'pair' | 'service' | 'criterion' | 'fleet';
  @ApiPropertyOptional() serviceId?: string;
  @ApiPropertyOptional() controlId?: string;
  @ApiPropertyOptional() criterionId?: string;
}

/** One daily snapshot of a rolling window (SPEC §5): the key numbers and the full evaluation. */
export class TrendPointDto {
  @ApiProperty({
    format: 'date',
    description: 'UTC day the snapshot was taken; its window ends at the start of it',
  })
  day!: string;
  @ApiProperty({ type: WindowDto }) window!: WindowDto;
  @ApiProperty({ enum: VERDICTS }) verdict!: Verdict;
  @ApiProperty() expectedOccurrences!: number;
  @ApiProperty() deviations!: number;
  @ApiProperty({ type: Number, nullable: true }) deviationRate!: number | null;
  @ApiProperty({ type: Number, nullable: true }) coverage!: number | null;
  @ApiProperty({ type: Number, nullable: true }) timeInCompliance!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Every field of the pair (SPEC §5) or of the rollup (§5.11), as the evaluator computed it',
  })
  effectiveness!: Record<string, unknown>;
}

export class TrendDto {
  @ApiProperty({ type: TrendScopeDto }) scope!: TrendScopeDto;
  @ApiProperty({ enum: [30, 90, 180, 365], description: 'Length of the rolling window, in days' })
  periodDays!: number;
  @ApiProperty({ type: WindowDto, description: 'The days whose snapshots are listed' })
  window!: WindowDto;
  @ApiProperty({ type: [TrendPointDto] }) items!: TrendPointDto[];
}
