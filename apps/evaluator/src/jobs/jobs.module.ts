import { Module } from '@nestjs/common';

/** Placeholder: the scheduled jobs (partitions, snapshots, missed slots) land with their issue. */
@Module({})
export class JobsModule {}
