import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'AcceptedEvent' })
export class AcceptedEventDto {
  @ApiProperty({ example: '//ci.acme.dev/checks/mfa' })
  source!: string;
  @ApiProperty({ example: 'c0a8e0f2-6f1e-4a52-9a53-0b1f6f0f3b7e' })
  id!: string;
}

@ApiSchema({
  name: 'AcceptedResults',
  description: 'The events Kafka acknowledged, in request order',
})
export class AcceptedResultsDto {
  @ApiProperty({ type: [AcceptedEventDto] })
  accepted!: AcceptedEventDto[];
  @ApiProperty({ example: 1 })
  count!: number;
}
