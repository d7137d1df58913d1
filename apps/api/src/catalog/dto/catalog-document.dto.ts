import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { FREQUENCIES } from '@vigil/domain';

const ID = { pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$', example: 'payments-api' };

@ApiSchema({ name: 'CatalogService', description: 'A service in the catalogue document' })
export class CatalogServiceDto {
  @ApiProperty(ID)
  id!: string;
  @ApiProperty({ example: 'Payments API' })
  name!: string;
  @ApiProperty({ example: 'team-payments' })
  owner!: string;
  @ApiPropertyOptional()
  description?: string;
}

@ApiSchema({
  name: 'CatalogControl',
  description: 'A control definition in the catalogue document',
})
export class CatalogControlDto {
  @ApiProperty({ ...ID, example: 'mfa-enforced' })
  id!: string;
  @ApiProperty({ example: 'MFA enforced for all console users' })
  title!: string;
  @ApiPropertyOptional()
  description?: string;
  @ApiPropertyOptional({ example: 'team-security' })
  owner?: string;
  @ApiProperty({ type: [String], example: ['CC6.1', 'CC6.2'], description: 'AICPA 2017 TSC ids' })
  criteria!: string[];
  @ApiProperty({ enum: FREQUENCIES, example: 'daily' })
  frequency!: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 0.05, example: 0.05 })
  tolerableDeviationRate?: number;
}

@ApiSchema({
  name: 'CatalogAssignment',
  description: 'A control assigned to a service over [from, to)',
})
export class CatalogAssignmentDto {
  @ApiProperty(ID)
  service!: string;
  @ApiProperty({ ...ID, example: 'mfa-enforced' })
  control!: string;
  @ApiProperty({ format: 'date-time', example: '2026-01-01T00:00:00Z' })
  from!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Absent while the assignment lasts' })
  to?: string;
}

@ApiSchema({
  name: 'CatalogDocument',
  description:
    'The whole desired catalogue (SPEC §4), as YAML or JSON. Services and controls missing from ' +
    'it are retired (kept, marked retiredAt); running assignments missing from it are ended.',
})
export class CatalogDocumentDto {
  @ApiProperty({ type: [CatalogServiceDto] })
  services!: CatalogServiceDto[];
  @ApiProperty({ type: [CatalogControlDto] })
  controls!: CatalogControlDto[];
  @ApiProperty({ type: [CatalogAssignmentDto] })
  assignments!: CatalogAssignmentDto[];
}

@ApiSchema({ name: 'AssignmentRef' })
export class AssignmentRefDto {
  @ApiProperty()
  service!: string;
  @ApiProperty()
  control!: string;
  @ApiProperty({ format: 'date-time' })
  from!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  to!: string | null;
}

@ApiSchema({ name: 'CatalogChangeLists' })
export class CatalogChangeListsDto {
  @ApiProperty({ type: [String] })
  services!: string[];
  @ApiProperty({ type: [String] })
  controls!: string[];
  @ApiProperty({ type: [AssignmentRefDto] })
  assignments!: AssignmentRefDto[];
}

@ApiSchema({ name: 'CatalogEndedLists' })
export class CatalogEndedListsDto {
  @ApiProperty({ type: [AssignmentRefDto] })
  assignments!: AssignmentRefDto[];
}

@ApiSchema({ name: 'CatalogRetiredLists' })
export class CatalogRetiredListsDto {
  @ApiProperty({ type: [String] })
  services!: string[];
  @ApiProperty({ type: [String] })
  controls!: string[];
}

@ApiSchema({
  name: 'CatalogApplySummary',
  description: 'What an apply did (or, dry run, would do)',
})
export class CatalogApplySummaryDto {
  @ApiProperty({ description: 'True when nothing was written (?dryRun=true)' })
  dryRun!: boolean;
  @ApiProperty({ format: 'date-time', description: 'The change time of new versions and ends' })
  appliedAt!: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the request body' })
  documentSha256!: string;
  @ApiProperty({ type: CatalogChangeListsDto })
  added!: CatalogChangeListsDto;
  @ApiProperty({
    type: CatalogChangeListsDto,
    description:
      'Services updated or back in the catalogue; controls with a new definition version',
  })
  changed!: CatalogChangeListsDto;
  @ApiProperty({ type: CatalogEndedListsDto })
  ended!: CatalogEndedListsDto;
  @ApiProperty({ type: CatalogRetiredListsDto })
  retired!: CatalogRetiredListsDto;
  @ApiProperty({
    description: 'Services, controls and assignments of the document left as they were',
  })
  unchanged!: number;
}
