import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { FREQUENCIES } from '@vigil/domain';
import type {
  AssignmentRecord,
  ControlDetail,
  ControlRecord,
  ControlVersion,
} from '@vigil/persistence';
import { AssignmentDto, toAssignmentDto } from './service.dto';

@ApiSchema({
  name: 'ControlVersion',
  description: 'A control definition in force over [validFrom, validTo)',
})
export class ControlVersionDto {
  @ApiProperty({
    format: 'date-time',
    description: '1970-01-01T00:00:00.000Z for the first version',
  })
  validFrom!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Null for the current version',
  })
  validTo!: string | null;
  @ApiProperty()
  title!: string;
  @ApiProperty({ nullable: true, type: String })
  description!: string | null;
  @ApiProperty({ nullable: true, type: String })
  owner!: string | null;
  @ApiProperty({ enum: FREQUENCIES })
  frequency!: string;
  @ApiProperty({ minimum: 0, maximum: 1 })
  tolerableDeviationRate!: number;
  @ApiProperty({ type: [String], example: ['CC6.1', 'CC6.2'] })
  criteria!: string[];
}

@ApiSchema({ name: 'Control', description: 'A control with its current definition' })
export class ControlDto extends ControlVersionDto {
  @ApiProperty({ example: 'mfa-enforced' })
  id!: string;
  @ApiProperty({ description: 'False once the control left the catalogue document' })
  active!: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  retiredAt!: string | null;
}

@ApiSchema({ name: 'ControlDetail' })
export class ControlDetailDto extends ControlDto {
  @ApiProperty({ type: [ControlVersionDto], description: 'Every definition, oldest first' })
  versions!: ControlVersionDto[];
  @ApiProperty({ type: [AssignmentDto], description: 'Current and past assignments to services' })
  assignments!: AssignmentDto[];
}

@ApiSchema({ name: 'ControlPage' })
export class ControlPageDto {
  @ApiProperty({ type: [ControlDto] })
  items!: ControlDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export function toControlVersionDto(v: ControlVersion): ControlVersionDto {
  return {
    validFrom: v.validFrom.toISOString(),
    validTo: v.validTo?.toISOString() ?? null,
    title: v.title,
    description: v.description,
    owner: v.owner,
    frequency: v.frequency,
    tolerableDeviationRate: v.tolerableDeviationRate,
    criteria: v.criteria,
  };
}

export function toControlDto(c: ControlRecord): ControlDto {
  return {
    id: c.id,
    ...toControlVersionDto(c.current),
    active: c.retiredAt === null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    retiredAt: c.retiredAt?.toISOString() ?? null,
  };
}

export function toControlDetailDto(
  c: ControlDetail,
  now: Date,
  allowed: (a: AssignmentRecord) => boolean,
): ControlDetailDto {
  return {
    ...toControlDto(c),
    versions: c.versions.map(toControlVersionDto),
    assignments: c.assignments.filter(allowed).map((a) => toAssignmentDto(a, now)),
  };
}
