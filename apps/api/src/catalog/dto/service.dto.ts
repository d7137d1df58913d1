import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AssignmentRecord, ServiceDetail, ServiceRecord } from '@vigil/persistence';

export type AssignmentState = 'active' | 'scheduled' | 'ended' | 'cancelled';

@ApiSchema({
  name: 'ServiceAssignment',
  description: 'A control assigned to a service over [from, to)',
})
export class AssignmentDto {
  @ApiProperty({ description: 'The service, as the catalogue document names it' })
  service!: string;
  @ApiProperty({ description: 'The control, as the catalogue document names it' })
  control!: string;
  @ApiProperty({ description: 'Same as service, as the effectiveness answers name it' })
  serviceId!: string;
  @ApiProperty({ description: 'Same as control, as the effectiveness answers name it' })
  controlId!: string;
  @ApiProperty({ format: 'date-time' })
  from!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  to!: string | null;
  @ApiProperty({
    enum: ['active', 'scheduled', 'ended', 'cancelled'],
    description: 'At the time of the request; cancelled = ended before it started (to = from)',
  })
  state!: AssignmentState;
  @ApiProperty({ format: 'date-time', description: 'When Vigil recorded it' })
  createdAt!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the end was recorded',
  })
  endedAt!: string | null;
}

@ApiSchema({ name: 'Service' })
export class ServiceDto {
  @ApiProperty({ example: 'payments-api' })
  id!: string;
  @ApiProperty({ example: 'Payments API' })
  name!: string;
  @ApiProperty({ example: 'team-payments' })
  owner!: string;
  @ApiProperty({ nullable: true, type: String })
  description!: string | null;
  @ApiProperty({ description: 'False once the service left the catalogue document' })
  active!: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  retiredAt!: string | null;
}

@ApiSchema({ name: 'ServiceDetail' })
export class ServiceDetailDto extends ServiceDto {
  @ApiProperty({ type: [AssignmentDto], description: 'Current and past assignments' })
  assignments!: AssignmentDto[];
}

@ApiSchema({ name: 'ServicePage' })
export class ServicePageDto {
  @ApiProperty({ type: [ServiceDto] })
  items!: ServiceDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page' })
  nextCursor!: string | null;
}

export function toServiceDto(s: ServiceRecord): ServiceDto {
  return {
    id: s.id,
    name: s.name,
    owner: s.owner,
    description: s.description,
    active: s.retiredAt === null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    retiredAt: s.retiredAt?.toISOString() ?? null,
  };
}

export function toServiceDetailDto(
  s: ServiceDetail,
  now: Date,
  allowed: (a: AssignmentRecord) => boolean,
): ServiceDetailDto {
  return {
    ...toServiceDto(s),
    assignments: s.assignments.filter(allowed).map((a) => toAssignmentDto(a, now)),
  };
}

export function toAssignmentDto(a: AssignmentRecord, now: Date): AssignmentDto {
  return {
    service: a.serviceId,
    control: a.controlId,
    serviceId: a.serviceId,
    controlId: a.controlId,
    from: a.from.toISOString(),
    to: a.to?.toISOString() ?? null,
    state: assignmentState(a, now),
    createdAt: a.createdAt.toISOString(),
    endedAt: a.endedAt?.toISOString() ?? null,
  };
}

export function assignmentState(
  a: Pick<AssignmentRecord, 'from' | 'to'>,
  now: Date,
): AssignmentState {
  if (a.to !== null && a.to.getTime() <= a.from.getTime()) return 'cancelled';
  if (a.to !== null && a.to.getTime() <= now.getTime()) return 'ended';
  if (a.from.getTime() > now.getTime()) return 'scheduled';
  return 'active';
}
