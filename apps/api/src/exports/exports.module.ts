import { Module } from '@nestjs/common';

/** Placeholder: filled in by the issue that owns this feature. */
@Module({})
export class ExportsModule {}
