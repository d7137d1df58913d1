import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Logger } from 'pino';
import { IngestRepository } from '@vigil/persistence';
import {
  BatchConsumer,
  BatchControls,
  ConsumedBatch,
  KafkaClient,
  PartitionOffset,
  AssignedPartitions,
} from '@vigil/platform';
import { IngestConfig } from './ingest-config';
import { IngestBatch, IngestBatchReport } from './ingest-batch.service';
import { IngestMetrics } from './ingest-metrics';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Kafka side of ingest, as a Nest custom transport (Nest's own Kafka transport is one
 * message at a time). Thin: it cuts fetched batches to INGEST_MAX_BATCH, hands each piece to
 * the IngestBatch use case, and commits the Kafka offset only after the database commit.
 * Failures are infrastructure faults: nothing is committed, the same piece is retried with
 * back-off while the partition is still ours (bad data never throws: it goes to the DLQ).
 */
export class IngestConsumer extends Server implements CustomTransportStrategy {
  private consumer?: BatchConsumer;
  private closed = false;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly repository: IngestRepository,
    private readonly ingestBatch: IngestBatch,
    private readonly metrics: IngestMetrics,
    private readonly config: IngestConfig,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Joined the consumer group and holds an assignment (readiness). */
  get running(): boolean {
    return this.consumer?.joined ?? false;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  private async start(): Promise<void> {
    await this.repository.ensurePartitionsAhead(2);
    await this.startConsumer();
  }

  private async startConsumer(): Promise<void> {
    const c = this.config;
    this.consumer = this.kafka.batchConsumer({
      groupId: c.VIGIL_CONSUMER_GROUP,
      topics: [c.VIGIL_TOPIC_RESULTS],
      fromBeginning: true,
      maxBytesPerPartition: c.INGEST_FETCH_MAX_BYTES_PER_PARTITION,
      partitionsConsumedConcurrently: c.INGEST_PARTITIONS_CONCURRENTLY,
      sessionTimeoutMs: c.INGEST_SESSION_TIMEOUT_MS,
      resumeOffsets: (assigned) => this.storedOffsets(assigned),
      eachBatch: (batch, controls) => this.onBatch(batch, controls),
      onFatalCrash: (error) => this.restartAfterCrash(error),
    });
    await this.consumer.start();
    this.log.info({ topic: c.VIGIL_TOPIC_RESULTS, group: c.VIGIL_CONSUMER_GROUP }, 'consuming');
  }

  /** kafkajs gave up on a non-retriable error: start a fresh member rather than sit idle. */
  private restartAfterCrash(error: unknown): void {
    const crashed = this.consumer;
    if (crashed === undefined) return;
    this.log.error({ err: error }, 'consumer stopped on a non-retriable error: starting a new one');
    void (async () => {
      await crashed.stop().catch(() => undefined);
      for (let attempt = 0; !this.closed; attempt++) {
        await sleep(Math.min(10_000, 500 * 2 ** attempt));
        if (this.closed) return;
        try {
          await this.startConsumer();
          return;
        } catch (restartError) {
          this.log.warn({ err: restartError, attempt }, 'consumer restart failed: retrying');
        }
      }
    })();
  }

  private async storedOffsets(assigned: AssignedPartitions[]): Promise<PartitionOffset[]> {
    const offsets: PartitionOffset[] = [];
    for (const { topic, partitions } of assigned) {
      const stored = await this.repository.findStoredOffsets(
        this.config.VIGIL_CONSUMER_GROUP,
        topic,
      );
      for (const s of stored) {
        if (partitions.includes(s.partition))
          offsets.push({ topic, partition: s.partition, offset: s.nextOffset });
      }
    }
    return offsets;
  }

  private async onBatch(batch: ConsumedBatch, controls: BatchControls): Promise<void> {
    const max = this.config.INGEST_MAX_BATCH;
    for (let start = 0; start < batch.messages.length; start += max) {
      if (!controls.isActive()) return;
      const messages = batch.messages.slice(start, start + max);
      this.log.debug(
        {
          topic: batch.topic,
          partition: batch.partition,
          firstOffset: messages[0].offset,
          lastOffset: messages[messages.length - 1].offset,
        },
        'batch received',
      );
      const report = await this.ingestWithRetry(batch, messages, controls);
      if (report === null) return;
      const last = messages[messages.length - 1].offset;
      await controls.commit(last);
      this.metrics.consumerLag.set(
        { partition: String(batch.partition) },
        Number(BigInt(batch.highWatermark) - BigInt(last) - 1n),
      );
      await controls.heartbeat();
    }
  }

  /** Returns null when the partition stopped being ours (or we are stopping) before success. */
  private async ingestWithRetry(
    batch: ConsumedBatch,
    messages: ConsumedBatch['messages'],
    controls: BatchControls,
  ): Promise<IngestBatchReport | null> {
    const input = {
      group: this.config.VIGIL_CONSUMER_GROUP,
      topic: batch.topic,
      partition: batch.partition,
      messages,
    };
    for (let attempt = 0; ; attempt++) {
      const started = process.hrtime.bigint();
      try {
        const report = await this.ingestBatch.execute(input);
        this.record(report, Number(process.hrtime.bigint() - started) / 1e9);
        this.log.debug(
          {
            topic: batch.topic,
            partition: batch.partition,
            firstOffset: messages[0].offset,
            ...report,
          },
          'batch ingested',
        );
        return report;
      } catch (error) {
        this.metrics.retries.inc();
        const delay = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
        this.log.warn(
          { err: error, topic: batch.topic, partition: batch.partition, attempt, retryInMs: delay },
          'batch not stored (infrastructure error): nothing committed, retrying',
        );
        await sleep(delay);
        if (!controls.isActive()) return null;
        // Throws when the group rebalances: the batch is then refetched by whoever owns it.
        await controls.heartbeat();
      }
    }
  }

  private record(report: IngestBatchReport, seconds: number): void {
    const m = this.metrics;
    m.consumed.inc(report.consumed);
    m.redeliveriesSkipped.inc(report.skipped);
    m.stored.inc(report.stored);
    m.duplicates.inc(report.duplicates);
    for (const [code, n] of Object.entries(report.rejected)) {
      m.rejections.inc({ code }, n);
    }
    m.batchSize.observe(report.consumed);
    m.batchDuration.observe(seconds);
  }

  /** SIGTERM: stop fetching, let the batch in flight finish and commit, leave the group. */
  async close(): Promise<void> {
    this.closed = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  on(): never {
    throw new Error('the ingest transport has no message patterns: batches go to IngestBatch');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
