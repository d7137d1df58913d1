import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { CatalogApplyRecord } from '@vigil/persistence';
import { CatalogApplySummaryDto } from './catalog-document.dto';

@ApiSchema({ name: 'CatalogApply', description: 'One logged apply of a catalogue document' })
export class CatalogApplyDto {
  @ApiProperty({ example: '42' })
  id!: string;
  @ApiProperty({ format: 'date-time' })
  appliedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Id of the API key that applied it' })
  appliedBy!: string | null;
  @ApiProperty({ description: 'SHA-256 (hex) of the applied document as sent' })
  documentSha256!: string;
  @ApiProperty()
  added!: number;
  @ApiProperty()
  changed!: number;
  @ApiProperty()
  ended!: number;
  @ApiProperty()
  retired!: number;
  @ApiProperty()
  unchanged!: number;
  @ApiProperty({ type: CatalogApplySummaryDto, description: 'The answer the apply gave' })
  summary!: CatalogApplySummaryDto;
}

@ApiSchema({ name: 'CatalogApplyPage' })
export class CatalogApplyPageDto {
  @ApiProperty({ type: [CatalogApplyDto] })
  items!: CatalogApplyDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export function toCatalogApplyDto(r: CatalogApplyRecord): CatalogApplyDto {
  return {
    id: r.id,
    appliedAt: r.appliedAt.toISOString(),
    appliedBy: r.appliedBy,
    documentSha256: r.documentSha256,
    added: r.added,
    changed: r.changed,
    ended: r.ended,
    retired: r.retired,
    unchanged: r.unchanged,
    summary: r.summary as CatalogApplySummaryDto,
  };
}
