import {
  DecodeResult,
  RejectionCode,
  ValidatedResult,
  decodeKafkaMessage,
  isLate,
} from '@vigil/contracts';
import {
  IngestRepository,
  IngestTransaction,
  NewResultRow,
  identityKey,
  isDataRejectedByDatabase,
  packMonthsOf,
} from '@vigil/persistence';
import { ConsumedMessage, KafkaClient, OutgoingMessage } from '@vigil/platform';
import { dailyRollupDeltas } from './daily-rollup-deltas';
import { FaultInjector } from './fault-injector';

export interface IngestBatchInput {
  group: string;
  topic: string;
  partition: number;
  /** Consecutive records of one partition, in offset order. */
  messages: ConsumedMessage[];
}

export interface IngestBatchReport {
  /** Records in the batch. */
  consumed: number;
  /** Records below the offset stored in PostgreSQL: applied before, skipped. */
  skipped: number;
  stored: number;
  /** Valid results whose identity and content were already stored. */
  duplicates: number;
  rejected: Partial<Record<RejectionCode, number>>;
  /** The offset stored in PostgreSQL after the batch (last offset + 1). */
  nextOffset: string;
  /** Time spent decoding and validating, and in the database transaction (for profiling). */
  decodeMs: number;
  transactionMs: number;
}

interface Rejected {
  message: ConsumedMessage;
  code: RejectionCode;
  reason: string;
}

interface Accepted {
  message: ConsumedMessage;
  result: ValidatedResult;
  late: boolean;
}

interface Decoded {
  message: ConsumedMessage;
  accepted?: Accepted;
  rejected?: Rejected;
}

export interface IngestBatchSettings {
  deadLetterTopic: string;
}

/**
 * The ingest use case for one batch of one partition, in ONE PostgreSQL transaction:
 * skip what the stored offset says is applied, dedup within the batch and against
 * result_identities, insert the new results, append their daily rollup deltas, store the next
 * offset, and dead-letter the rejects (acknowledged by Kafka before the commit: a crash then
 * duplicates a DLQ record, it never loses one). Any thrown error is an infrastructure fault:
 * nothing was committed, and the caller retries the same batch.
 */
export class IngestBatch {
  private transactions = 0;

  constructor(
    private readonly repository: IngestRepository,
    private readonly kafka: KafkaClient,
    private readonly settings: IngestBatchSettings,
    private readonly faults: FaultInjector,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(input: IngestBatchInput): Promise<IngestBatchReport> {
    try {
      return await this.run(input, null);
    } catch (error) {
      // A row PostgreSQL refuses (e.g. a NUL character in a string) is bad data, not a fault:
      // isolate it by halving the batch so it alone goes to the DLQ and the partition flows.
      if (!isDataRejectedByDatabase(error)) throw error;
      const reason = `rejected by the database: ${error instanceof Error ? error.message : String(error)}`;
      if (input.messages.length === 1) return this.run(input, reason);
      const half = Math.ceil(input.messages.length / 2);
      const first = await this.execute({ ...input, messages: input.messages.slice(0, half) });
      const second = await this.execute({ ...input, messages: input.messages.slice(half) });
      return mergeReports(first, second);
    }
  }

  private async run(
    input: IngestBatchInput,
    forcedRejection: string | null,
  ): Promise<IngestBatchReport> {
    const { group, topic, partition, messages } = input;
    const receivedAt = this.clock();
    const decodeStarted = performance.now();
    const decoded = messages.map((message) => this.decode(message, receivedAt, forcedRejection));
    const decodeMs = performance.now() - decodeStarted;
    // The months of the accepted results: their partitions, and their result packs' locks.
    const months = packMonthsOf(
      decoded.flatMap((d) => (d.accepted ? [d.accepted.result.time] : [])),
    );
    await this.repository.ensurePartitionsFor(months);
    const batchNumber = ++this.transactions;
    const last = messages[messages.length - 1].offset;
    const nextOffset = (BigInt(last) + 1n).toString();
    const transactionStarted = performance.now();
    return this.repository
      .inTransaction(
        async (tx) => {
          const { nextOffset: stored, packHorizons } = await tx.lockPartitionOffset(
            group,
            topic,
            partition,
            months,
          );
          const from = stored === null ? null : BigInt(stored);
          const fresh =
            from === null ? decoded : decoded.filter((d) => BigInt(d.message.offset) >= from);
          const report: IngestBatchReport = {
            consumed: messages.length,
            skipped: messages.length - fresh.length,
            stored: 0,
            duplicates: 0,
            rejected: {},
            nextOffset: from !== null && from > BigInt(nextOffset) ? from.toString() : nextOffset,
            decodeMs: Math.round(decodeMs),
            transactionMs: 0,
          };
          if (fresh.length === 0) return report;

          const rejects: Rejected[] = [];
          const candidates = this.dedupWithinBatch(fresh, rejects, report);
          const toInsert = await this.dedupAgainstStored(tx, candidates, rejects, report);
          // A concurrent claim of one of these identities fails the COPY: the batch is retried.
          await tx.insertNewResults(toInsert.map((a) => toRow(a, receivedAt, topic, partition)));
          const storedNow = toInsert;
          report.stored = storedNow.length;
          await tx.addDailyRollupDeltas(
            dailyRollupDeltas(
              storedNow.map(({ result, late }) => ({
                serviceId: result.serviceId,
                controlId: result.controlId,
                outcome: result.outcome,
                time: result.time,
                timeMicros: result.timeMicros,
                late,
              })),
            ),
          );
          await tx.invalidateResultPacks(
            storedNow.map(({ result }) => ({
              serviceId: result.serviceId,
              controlId: result.controlId,
              time: result.time,
            })),
            packHorizons,
          );
          await tx.saveOffset(group, topic, partition, report.nextOffset);
          for (const r of rejects) report.rejected[r.code] = (report.rejected[r.code] ?? 0) + 1;
          await this.deadLetter(rejects, topic, partition);
          return report;
        },
        () => this.faults.at('before-db-commit', batchNumber),
      )
      .then((report) => {
        this.faults.at('after-db-commit', batchNumber);
        report.transactionMs = Math.round(performance.now() - transactionStarted);
        return report;
      });
  }

  private decode(
    message: ConsumedMessage,
    receivedAt: Date,
    forcedRejection: string | null,
  ): Decoded {
    if (forcedRejection !== null) {
      return { message, rejected: { message, code: 'invalid_data', reason: forcedRejection } };
    }
    let decoded: DecodeResult;
    try {
      decoded = decodeKafkaMessage({ value: message.value, headers: message.headers }, receivedAt);
    } catch (error) {
      // A record that makes the validator itself fail must not block the partition forever;
      // the DLQ keeps its bytes for a replay once the validator is fixed.
      const reason = `the validator failed on this record: ${error instanceof Error ? error.message : String(error)}`;
      return { message, rejected: { message, code: 'invalid_data', reason } };
    }
    if (!decoded.ok)
      return { message, rejected: { message, code: decoded.code, reason: decoded.message } };
    return {
      message,
      accepted: { message, result: decoded.result, late: isLate(decoded.result.time, receivedAt) },
    };
  }

  /** First occurrence wins; a repeat with the same content is a duplicate, else a conflict. */
  private dedupWithinBatch(
    fresh: Decoded[],
    rejects: Rejected[],
    report: IngestBatchReport,
  ): Accepted[] {
    const first = new Map<string, Accepted>();
    const candidates: Accepted[] = [];
    for (const d of fresh) {
      if (d.rejected) {
        rejects.push(d.rejected);
        continue;
      }
      const a = d.accepted!;
      const key = identityKey(a.result.source, a.result.id);
      const seen = first.get(key);
      if (seen === undefined) {
        first.set(key, a);
        candidates.push(a);
      } else if (seen.result.sha256 === a.result.sha256) {
        report.duplicates++;
      } else {
        rejects.push(conflict(a, seen.result.sha256));
      }
    }
    return candidates;
  }

  private async dedupAgainstStored(
    tx: IngestTransaction,
    candidates: Accepted[],
    rejects: Rejected[],
    report: IngestBatchReport,
  ): Promise<Accepted[]> {
    const stored = await tx.findStoredIdentities(
      candidates.map((a) => ({ source: a.result.source, eventId: a.result.id })),
    );
    if (stored.size === 0) return candidates;
    const fresh: Accepted[] = [];
    for (const a of candidates) {
      const sha = stored.get(identityKey(a.result.source, a.result.id));
      if (sha === undefined) fresh.push(a);
      else if (sha === a.result.sha256) report.duplicates++;
      else rejects.push(conflict(a, sha));
    }
    return fresh;
  }

  private async deadLetter(rejects: Rejected[], topic: string, partition: number): Promise<void> {
    if (rejects.length === 0) return;
    const messages: OutgoingMessage[] = rejects.map(({ message, code, reason }) => ({
      key: message.key,
      value: message.value,
      headers: {
        ...originalHeaders(message.headers),
        'vigil-error-code': code,
        'vigil-error-message': reason,
        'vigil-original-topic': topic,
        'vigil-original-partition': String(partition),
        'vigil-original-offset': message.offset,
      },
    }));
    await this.kafka.send(this.settings.deadLetterTopic, messages);
  }
}

function conflict(a: Accepted, storedSha: string): Rejected {
  return {
    message: a.message,
    code: 'id_conflict',
    reason: `an event with source "${a.result.source}" and id "${a.result.id}" is already stored with different content (sha256 ${storedSha}, this one ${a.result.sha256}); the first one stays`,
  };
}

/** The record's own headers travel with it to the DLQ (binary-mode events need their ce_*). */
function originalHeaders(headers: ConsumedMessage['headers']): Record<string, string | Buffer> {
  const out: Record<string, string | Buffer> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith('vigil-')) continue;
    out[name] = Array.isArray(value) ? value[0] : value;
  }
  return out;
}

function toRow(a: Accepted, receivedAt: Date, topic: string, partition: number): NewResultRow {
  const r = a.result;
  return {
    source: r.source,
    eventId: r.id,
    serviceId: r.serviceId,
    controlId: r.controlId,
    outcome: r.outcome,
    time: r.time,
    timeMicros: r.timeMicros,
    receivedAt,
    late: a.late,
    evidence: r.evidence,
    test: r.test,
    details: r.details,
    sha256: r.sha256,
    kafkaTopic: topic,
    kafkaPartition: partition,
    kafkaOffset: a.message.offset,
  };
}

function mergeReports(a: IngestBatchReport, b: IngestBatchReport): IngestBatchReport {
  const rejected = { ...a.rejected };
  for (const [code, n] of Object.entries(b.rejected) as Array<[RejectionCode, number]>) {
    rejected[code] = (rejected[code] ?? 0) + n;
  }
  return {
    consumed: a.consumed + b.consumed,
    skipped: a.skipped + b.skipped,
    stored: a.stored + b.stored,
    duplicates: a.duplicates + b.duplicates,
    rejected,
    nextOffset: b.nextOffset,
    decodeMs: a.decodeMs + b.decodeMs,
    transactionMs: a.transactionMs + b.transactionMs,
  };
}
