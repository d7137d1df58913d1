import { Admin, CompressionTypes, Kafka, logLevel, Producer } from 'kafkajs';
import { Logger } from 'pino';
import { BatchConsumer, BatchConsumerOptions } from './batch-consumer';

/**
 * The one place that knows kafkajs (STYLE.md: keep the client behind a small adapter; kafkajs
 * has had no release since 2023). Everything else talks to KafkaClient.
 */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
}

export interface OutgoingMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
}

function kafkaLogLevel(level: string): logLevel {
  switch (level) {
    case 'debug':
    case 'trace':
      return logLevel.INFO;
    case 'silent':
      return logLevel.NOTHING;
    default:
      return logLevel.WARN;
  }
}

export class KafkaClient {
  readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;

  constructor(
    readonly settings: KafkaSettings,
    private readonly logger?: Logger,
  ) {
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      logLevel: kafkaLogLevel(logger?.level ?? 'info'),
      logCreator:
        () =>
        ({ level, log }) => {
          const { message, ...extra } = log;
          if (level <= logLevel.ERROR) this.logger?.error({ kafka: extra }, message);
          else if (level === logLevel.WARN) this.logger?.warn({ kafka: extra }, message);
          else this.logger?.debug({ kafka: extra }, message);
        },
      retry: { retries: 8, initialRetryTime: 200 },
    });
  }

  private async connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        idempotent: true,
        maxInFlightRequests: 5,
      });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  private async connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }

  /** Sends and waits for all in-sync replicas (acks -1): a 202 from the API means durable. */
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    const producer = await this.connectedProducer();
    await producer.send({
      topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages,
    });
  }

  /** Creates the topics that are missing; existing ones are left as they are. */
  async ensureTopics(specs: TopicSpec[]): Promise<string[]> {
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    await admin.createTopics({ topics: missing, waitForLeaders: true });
    return missing.map((s) => s.topic);
  }

  async missingTopics(topics: string[]): Promise<string[]> {
    const existing = new Set(await this.listTopics());
    return topics.filter((t) => !existing.has(t));
  }

  async listTopics(): Promise<string[]> {
    const admin = await this.connectedAdmin();
    return admin.listTopics();
  }

  async deleteTopics(topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    const admin = await this.connectedAdmin();
    await admin.deleteTopics({ topics, timeout: 30_000 });
  }

  /** Readiness: the cluster answers a metadata request within the timeout. */
  async ping(timeoutMs = 3000): Promise<{ brokers: number; controller: number | null }> {
    const admin = await this.connectedAdmin();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const cluster = await Promise.race([admin.describeCluster(), timeout]);
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } finally {
      clearTimeout(timer);
    }
  }

  async topicOffsets(
    topic: string,
  ): Promise<Array<{ partition: number; high: string; low: string }>> {
    const admin = await this.connectedAdmin();
    return admin.fetchTopicOffsets(topic);
  }

  /** A consumer-group member with manual, batch-level offsets (see BatchConsumer). */
  batchConsumer(options: BatchConsumerOptions): BatchConsumer {
    return new BatchConsumer(this.kafka, options, this.logger);
  }

  async close(): Promise<void> {
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.allSettled([
      producer?.then((p) => p.disconnect()),
      admin?.then((a) => a.disconnect()),
    ]);
  }
}
