import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { UnmappedPairRecord } from '@vigil/persistence';

export type UnmappedReason =
  'unknown_service' | 'unknown_control' | 'unknown_service_and_control' | 'never_assigned';

@ApiSchema({ name: 'UnmappedPairCounts' })
export class UnmappedCountsDto {
  @ApiProperty()
  pass!: number;
  @ApiProperty()
  fail!: number;
  @ApiProperty()
  error!: number;
  @ApiProperty()
  notApplicable!: number;
  @ApiProperty()
  total!: number;
}

@ApiSchema({
  name: 'UnmappedPair',
  description: 'A (service, control) pair with stored results that no assignment ever covered',
})
export class UnmappedPairDto {
  @ApiProperty()
  serviceId!: string;
  @ApiProperty()
  controlId!: string;
  @ApiProperty({
    enum: ['unknown_service', 'unknown_control', 'unknown_service_and_control', 'never_assigned'],
  })
  reason!: UnmappedReason;
  @ApiProperty({ type: UnmappedCountsDto })
  counts!: UnmappedCountsDto;
  @ApiProperty({ description: 'Results stored late (more than 24 h after they ran)' })
  lateResults!: number;
  @ApiProperty({ format: 'date-time' })
  firstSeen!: string;
  @ApiProperty({ format: 'date-time' })
  lastSeen!: string;
}

@ApiSchema({ name: 'UnmappedPairPage' })
export class UnmappedPairPageDto {
  @ApiProperty({ type: [UnmappedPairDto] })
  items!: UnmappedPairDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export function toUnmappedPairDto(r: UnmappedPairRecord): UnmappedPairDto {
  return {
    serviceId: r.serviceId,
    controlId: r.controlId,
    reason: reasonOf(r),
    counts: {
      pass: r.pass,
      fail: r.fail,
      error: r.error,
      notApplicable: r.notApplicable,
      total: r.total,
    },
    lateResults: r.late,
    firstSeen: r.firstSeen.toISOString(),
    lastSeen: r.lastSeen.toISOString(),
  };
}

function reasonOf(r: UnmappedPairRecord): UnmappedReason {
  if (!r.serviceKnown && !r.controlKnown) return 'unknown_service_and_control';
  if (!r.serviceKnown) return 'unknown_service';
  if (!r.controlKnown) return 'unknown_control';
  return 'never_assigned';
}
