import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { CriterionRecord } from '@vigil/persistence';

@ApiSchema({ name: 'Criterion', description: 'An AICPA 2017 Trust Services Criterion' })
export class CriterionDto {
  @ApiProperty({ example: 'CC6.1' })
  id!: string;
  @ApiProperty({ example: 'Common Criteria (Security)' })
  category!: string;
  @ApiProperty({ example: 'CC6' })
  series!: string;
  @ApiProperty({ example: 'Logical and Physical Access Controls' })
  seriesTitle!: string;
  @ApiProperty()
  title!: string;
  @ApiProperty()
  text!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'COSO principle (CC1.1–CC5.3 only)' })
  cosoPrinciple!: number | null;
}

@ApiSchema({ name: 'CriterionList' })
export class CriterionListDto {
  @ApiProperty({ type: [CriterionDto] })
  items!: CriterionDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page' })
  nextCursor!: string | null;
}

export function toCriterionDto(c: CriterionRecord): CriterionDto {
  return { ...c };
}
