import { KafkaClient } from './kafka-client';

/** Which topics a process needs, and whether it may create them (VIGIL_TOPIC_AUTO_CREATE). */
export interface TopicPolicy {
  topics: string[];
  autoCreate: boolean;
  partitions: number;
  replicationFactor: number;
}

/** A reason not to start that the operator can act on: printed as one line, without a stack. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export interface ProvisionReport {
  created: string[];
  existing: string[];
}

/**
 * Creates the missing topics when allowed; otherwise refuses with the list of missing ones,
 * so a deployment whose brokers do not auto-create topics fails loudly at start rather than
 * at the first message. Idempotent.
 */
export async function provisionTopics(
  client: KafkaClient,
  policy: TopicPolicy,
): Promise<ProvisionReport> {
  const topics = [...new Set(policy.topics)];
  const missing = await client.missingTopics(topics);
  if (missing.length > 0 && !policy.autoCreate) {
    throw new StartupError(
      `required Kafka topics are missing: ${missing.join(', ')}. ` +
        'Create them with "npx vigil kafka ensure-topics" or set VIGIL_TOPIC_AUTO_CREATE=true.',
    );
  }
  const created =
    missing.length === 0
      ? []
      : await client.ensureTopics(
          missing.map((topic) => ({
            topic,
            numPartitions: policy.partitions,
            replicationFactor: policy.replicationFactor,
          })),
        );
  return { created, existing: topics.filter((t) => !created.includes(t)) };
}

/** The policy from the shared Kafka variables (VIGIL_TOPIC_AUTO_CREATE, _PARTITIONS, _REPLICATION). */
export function topicPolicy(
  config: {
    VIGIL_TOPIC_AUTO_CREATE: boolean;
    VIGIL_TOPIC_PARTITIONS: number;
    VIGIL_TOPIC_REPLICATION: number;
  },
  topics: string[],
): TopicPolicy {
  return {
    topics,
    autoCreate: config.VIGIL_TOPIC_AUTO_CREATE,
    partitions: config.VIGIL_TOPIC_PARTITIONS,
    replicationFactor: config.VIGIL_TOPIC_REPLICATION,
  };
}
