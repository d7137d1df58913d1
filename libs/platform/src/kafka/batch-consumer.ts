import { Consumer, EachBatchPayload, IHeaders, Kafka } from 'kafkajs';
import { Logger } from 'pino';

/** One record as the batch handler sees it: no kafkajs types leave this folder. */
export interface ConsumedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | Array<Buffer | string> | undefined>;
  timestamp: string;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  /** Offset of the next record the broker will write (lag = highWatermark - next offset). */
  highWatermark: string;
  messages: ConsumedMessage[];
}

export interface BatchControls {
  /**
   * Records that everything up to `lastOffset` is processed: the next fetch starts after it
   * and `lastOffset + 1` is committed to the group (for lag tooling; the source of truth for
   * exactly-once is wherever the handler stored it).
   */
  commit(lastOffset: string): Promise<void>;
  /** Keeps the group membership alive; throws when the group is rebalancing. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the partition is being re-positioned. */
  isActive(): boolean;
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface AssignedPartitions {
  topic: string;
  partitions: number[];
}

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group without a committed offset starts (default: earliest, nothing is skipped). */
  fromBeginning?: boolean;
  maxBytesPerPartition?: number;
  maxBytes?: number;
  maxWaitTimeMs?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /**
   * Called on every assignment, before anything of the assigned partitions is fetched (they are
   * paused meanwhile): returns the offsets to resume from, e.g. the ones stored with the data.
   * Retried with back-off until it succeeds.
   */
  resumeOffsets?(assigned: AssignedPartitions[]): Promise<PartitionOffset[]>;
  eachBatch(batch: ConsumedBatch, controls: BatchControls): Promise<void>;
  /** The consumer crashed and kafkajs will not restart it (a non-retriable error). */
  onFatalCrash?(error: unknown): void;
}

function toHeaders(headers: IHeaders | undefined): ConsumedMessage['headers'] {
  return headers ?? {};
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A consumer-group member handing whole batches to the caller with manual offsets
 * (`eachBatch`, no auto-commit, no auto-resolve): the caller decides when a batch counts as
 * done, which is what a transactional sink needs. Nest's Kafka transport is per message.
 */
export class BatchConsumer {
  private consumer?: Consumer;
  private joinedGroup = false;
  private assignmentGeneration = 0;
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions,
    private readonly logger?: Logger,
  ) {}

  /** True while the member holds an assignment (has joined the group and not crashed). */
  get joined(): boolean {
    return this.joinedGroup;
  }

  async start(): Promise<void> {
    const o = this.options;
    const consumer = this.kafka.consumer({
      groupId: o.groupId,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: o.maxBytesPerPartition ?? 4 * 1024 * 1024,
      maxBytes: o.maxBytes ?? 16 * 1024 * 1024,
      maxWaitTimeInMs: o.maxWaitTimeMs ?? 250,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((o.sessionTimeoutMs ?? 30_000) / 6)),
      retry: { retries: 10, initialRetryTime: 300 },
    });
    this.consumer = consumer;
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT, REBALANCING } = consumer.events;
    consumer.on(GROUP_JOIN, (event) => {
      this.joinedGroup = true;
      const assigned = Object.entries(event.payload.memberAssignment).map(
        ([topic, partitions]) => ({
          topic,
          partitions,
        }),
      );
      this.logger?.info({ assigned }, 'partitions assigned');
      const resumeOffsets = o.resumeOffsets?.bind(o);
      if (resumeOffsets) this.repositionAfterJoin(consumer, assigned, resumeOffsets);
    });
    consumer.on(REBALANCING, () => {
      this.logger?.info('group rebalancing');
    });
    consumer.on(CRASH, (event) => {
      this.joinedGroup = false;
      if (!event.payload.restart && !this.stopping) o.onFatalCrash?.(event.payload.error);
      this.logger?.error(
        { err: event.payload.error, restart: event.payload.restart },
        'consumer crashed',
      );
    });
    consumer.on(STOP, () => {
      this.joinedGroup = false;
    });
    consumer.on(DISCONNECT, () => {
      this.joinedGroup = false;
    });

    await consumer.connect();
    // A topic created a moment ago may not be in every broker's metadata yet: retry briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.subscribe({ topics: o.topics, fromBeginning: o.fromBeginning ?? true });
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        this.logger?.warn({ err: error, attempt }, 'cannot subscribe yet: retrying');
        await sleep(500);
      }
    }
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handle(payload),
    });
  }

  /**
   * Pauses the assigned partitions synchronously (the join event is emitted before the first
   * fetch), then seeks them to the caller's offsets and resumes. A seek pending on a partition
   * also makes kafkajs drop any batch fetched for it meanwhile.
   */
  private repositionAfterJoin(
    consumer: Consumer,
    assigned: AssignedPartitions[],
    resumeOffsets: (assigned: AssignedPartitions[]) => Promise<PartitionOffset[]>,
  ): void {
    const generation = ++this.assignmentGeneration;
    consumer.pause(assigned);
    void (async () => {
      for (let attempt = 0; ; attempt++) {
        if (generation !== this.assignmentGeneration || this.stopping) return;
        try {
          const offsets = await resumeOffsets(assigned);
          if (generation !== this.assignmentGeneration || this.stopping) return;
          for (const { topic, partition, offset } of offsets)
            consumer.seek({ topic, partition, offset });
          this.logger?.info({ offsets }, 'resumed from stored offsets');
          consumer.resume(assigned);
          return;
        } catch (error) {
          this.logger?.warn({ err: error, attempt }, 'cannot read stored offsets yet: retrying');
          await sleep(Math.min(5_000, 200 * 2 ** attempt));
        }
      }
    })();
  }

  private async handle(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const consumed: ConsumedBatch = {
      topic,
      partition,
      highWatermark: batch.highWatermark,
      messages: batch.messages.map((m) => ({
        offset: m.offset,
        key: m.key ?? null,
        value: m.value ?? null,
        headers: toHeaders(m.headers),
        timestamp: m.timestamp,
      })),
    };
    const controls: BatchControls = {
      commit: async (lastOffset) => {
        payload.resolveOffset(lastOffset);
        const next = (BigInt(lastOffset) + 1n).toString();
        await payload.commitOffsetsIfNecessary({
          topics: [{ topic, partitions: [{ partition, offset: next }] }],
        });
      },
      heartbeat: () => payload.heartbeat(),
      isActive: () => payload.isRunning() && !payload.isStale() && !this.stopping,
    };
    await this.options.eachBatch(consumed, controls);
  }

  /** Stops fetching, lets the batch in flight finish, leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    try {
      await consumer.stop();
    } finally {
      await consumer.disconnect();
      this.joinedGroup = false;
    }
  }
}
