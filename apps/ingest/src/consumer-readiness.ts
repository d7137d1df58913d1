import { Inject, Injectable } from '@nestjs/common';
import { ReadinessCheck } from '@vigil/platform';
import { IngestConsumer } from './ingest.consumer';

/** Ready only while the consumer has joined its group (else nothing is being ingested). */
@Injectable()
export class ConsumerReadiness implements ReadinessCheck {
  readonly name = 'consumer';
  constructor(@Inject(IngestConsumer) private readonly consumer: IngestConsumer) {}

  async check(): Promise<Record<string, unknown>> {
    if (!this.consumer.running) throw new Error('the consumer has not joined its group');
    return Promise.resolve({ joined: true });
  }
}
