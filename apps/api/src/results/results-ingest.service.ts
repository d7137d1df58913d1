import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import {
  CLOUDEVENTS_BATCH_JSON,
  CLOUDEVENTS_JSON,
  DecodeResult,
  RejectionCode,
  ValidatedResult,
  decodeKafkaMessage,
  mediaTypeOf,
  stringifiedByteLength,
  validateCloudEvent,
} from '@vigil/contracts';
import { APP_CONFIG, KafkaClient, OutgoingMessage } from '@vigil/platform';
import { ApiConfig } from '../api-config';
import { ProblemError, ProblemException, badRequest } from '../http/problem';
import { HTTP_INGEST_EVENTS, HttpIngestCounter } from './http-ingest.metrics';

/** Most events in one batch request. */
export const MAX_BATCH_EVENTS = 1000;
/** How long a request waits for Kafka's acknowledgement before answering 503. */
export const PRODUCE_TIMEOUT_MS = 10_000;
export const PRODUCE_TIMEOUT = Symbol('PRODUCE_TIMEOUT');
/**
 * Upper bound of one produce request's payload. The broker refuses record batches above
 * `message.max.bytes` (1 MiB by default), and kafkajs puts one send's messages for a partition
 * in one record batch, so a large HTTP batch goes out in several sends, in order.
 */
const MAX_SEND_BYTES = 768 * 1024;
const JSON_MEDIA_TYPE = 'application/json';

export interface IngestRequest {
  /** The Content-Type header as received. */
  contentType: string | undefined;
  /** The parsed JSON body. */
  body: unknown;
  /** The body's bytes as received (`rawBody: true`), for the size of a single event. */
  rawBody: Buffer | undefined;
  /** The ingest clock: `time` more than 5 min after it is rejected. */
  receivedAt: Date;
  /**
   * The request's `ce-*` headers (lower-case names). With `ce-specversion` the event comes in
   * the CloudEvents HTTP binding's binary mode: attributes in these headers, `data` as the body.
   */
  ceHeaders?: Record<string, string>;
}

export interface AcceptedEvent {
  source: string;
  id: string;
}

export interface IngestAnswer {
  accepted: AcceptedEvent[];
  count: number;
}

interface CandidateEvent {
  event: unknown;
  byteLength: number;
}

/**
 * HTTP ingest (SPEC §6 `POST /api/v1/results`): validates every event with the same contract
 * as the Kafka path, and produces the valid ones to the results topic.
 */
@Injectable()
export class ResultsIngestService {
  private readonly topic: string;

  constructor(
    @Inject(KafkaClient) private readonly kafka: Pick<KafkaClient, 'send'>,
    @Inject(APP_CONFIG) config: Pick<ApiConfig, 'VIGIL_TOPIC_RESULTS'>,
    @Inject(HTTP_INGEST_EVENTS) private readonly events: HttpIngestCounter,
    @Optional()
    @Inject(PRODUCE_TIMEOUT)
    private readonly produceTimeoutMs: number = PRODUCE_TIMEOUT_MS,
  ) {
    this.topic = config.VIGIL_TOPIC_RESULTS;
  }

  async ingest(request: IngestRequest): Promise<IngestAnswer> {
    const binary = readBinaryMode(request);
    if (binary !== null) return this.accept([binary.candidate], [binary.outcome], false);
    let read: { candidates: CandidateEvent[]; batch: boolean };
    try {
      read = readCandidates(request);
    } catch (error) {
      // A batch refused as a whole (not an array, too many events) rejects each event in it.
      if (error instanceof ProblemException && error.problem.status === 400) {
        const body = request.body;
        this.events.inc({ outcome: 'rejected' }, Array.isArray(body) ? body.length : 1);
      }
      throw error;
    }
    const { candidates, batch } = read;
    const outcomes = candidates.map((c) =>
      validateCloudEvent(c.event, c.byteLength, request.receivedAt),
    );
    return this.accept(candidates, outcomes, batch);
  }

  /**
   * Each event on its own, as on the Kafka path (SPEC §6: "validated like the Kafka path"): the
   * valid ones are produced, and the answer is 202 when all were, else 400 with one error per
   * rejected event and the accepted ones listed (`accepted`, `count`). Resending the whole
   * batch after fixing it is safe: the accepted events are recognised by (source, id).
   */
  private async accept(
    candidates: CandidateEvent[],
    outcomes: DecodeResult[],
    batch: boolean,
  ): Promise<IngestAnswer> {
    const rejections = rejectionsOf(candidates, outcomes, batch);
    const conflicts = conflictsOf(outcomes, batch);
    const conflicting = new Set(conflicts.map((c) => c.index));
    const results = outcomes.flatMap((o, index) =>
      o.ok && !conflicting.has(index) ? [o.result] : [],
    );
    if (results.length > 0) {
      await this.produce(results);
      this.events.inc({ outcome: 'accepted' }, results.length);
    }
    const accepted = results.map(({ source, id }) => ({ source, id }));
    const errors = [...rejections, ...conflicts];
    if (errors.length > 0) {
      this.events.inc({ outcome: 'rejected' }, errors.length);
      for (const error of errors) this.events.rejected(error.code as RejectionCode);
      const total = candidates.length;
      throw new ProblemException({
        status: HttpStatus.BAD_REQUEST,
        title: 'Bad Request',
        detail: batch
          ? `${errors.length} of ${total} events are invalid and were not accepted; the other ${accepted.length} were (listed in accepted). Fix the rejected ones and resend them, or the whole batch: accepted events are stored once.`
          : `The event is invalid: ${errors[0].detail}`,
        errors: errors.sort((a, b) => (a.index ?? 0) - (b.index ?? 0)),
        ...(batch ? { accepted, count: accepted.length } : {}),
      });
    }
    return { accepted, count: accepted.length };
  }

  private async produce(results: ValidatedResult[]): Promise<void> {
    const messages: OutgoingMessage[] = results.map((r) => ({
      key: r.serviceId,
      value: r.canonical,
      headers: { 'content-type': CLOUDEVENTS_JSON },
    }));
    let timer: NodeJS.Timeout | undefined;
    const sending = this.sendInChunks(messages);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no acknowledgement within ${this.produceTimeoutMs} ms`)),
        this.produceTimeoutMs,
      );
    });
    // The send may still settle after we gave up on it; its outcome no longer has a listener.
    sending.catch(() => undefined);
    try {
      await Promise.race([sending, timeout]);
    } catch (error) {
      throw kafkaUnavailable(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private async sendInChunks(messages: OutgoingMessage[]): Promise<void> {
    let chunk: OutgoingMessage[] = [];
    let chunkBytes = 0;
    for (const message of messages) {
      const size = Buffer.byteLength(message.value as string, 'utf8') + 256;
      if (chunk.length > 0 && chunkBytes + size > MAX_SEND_BYTES) {
        await this.kafka.send(this.topic, chunk);
        chunk = [];
        chunkBytes = 0;
      }
      chunk.push(message);
      chunkBytes += size;
    }
    if (chunk.length > 0) await this.kafka.send(this.topic, chunk);
  }
}

/**
 * One event in the CloudEvents HTTP binding's binary mode (`ce-specversion` and the other
 * attributes as `ce-*` headers, `data` as the JSON body, its media type as Content-Type),
 * decoded exactly as Kafka's binary mode is: the same headers renamed `ce_*`, the same bytes.
 * Null when the request is in structured or batch mode.
 */
function readBinaryMode(
  request: IngestRequest,
): { candidate: CandidateEvent; outcome: DecodeResult } | null {
  const ce = request.ceHeaders ?? {};
  if (ce['ce-specversion'] === undefined) return null;
  const mediaType = mediaTypeOf(request.contentType);
  if (mediaType?.startsWith('application/cloudevents') === true) return null;
  if (mediaType !== JSON_MEDIA_TYPE) {
    throw new ProblemException({
      status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      title: 'Unsupported Media Type',
      detail: `Content-Type ${mediaType ?? '(none)'} is not accepted for an event in binary mode: its data must be ${JSON_MEDIA_TYPE}`,
    });
  }
  const headers: Record<string, string> = { 'content-type': request.contentType ?? '' };
  for (const [name, value] of Object.entries(ce)) {
    headers[`ce_${name.slice('ce-'.length)}`] = percentDecoded(value);
  }
  const value =
    request.rawBody ??
    (request.body === undefined ? null : Buffer.from(JSON.stringify(request.body)));
  return {
    candidate: { event: { id: headers.ce_id }, byteLength: value?.length ?? 0 },
    outcome: decodeKafkaMessage({ value, headers }, request.receivedAt),
  };
}

/**
 * A `ce-*` header value as the HTTP binding writes it: characters outside printable ASCII, `"`
 * and `%` percent-encoded. A value that is not valid percent-encoding is taken as it is.
 */
function percentDecoded(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The events of the request body: one structured-mode event, or a batch (a JSON array). */
function readCandidates(request: IngestRequest): { candidates: CandidateEvent[]; batch: boolean } {
  const mediaType = mediaTypeOf(request.contentType);
  const isBatchType = mediaType === CLOUDEVENTS_BATCH_JSON;
  if (!isBatchType && mediaType !== CLOUDEVENTS_JSON && mediaType !== JSON_MEDIA_TYPE) {
    throw new ProblemException({
      status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      title: 'Unsupported Media Type',
      detail: `Content-Type ${mediaType ?? '(none)'} is not accepted: send one event as ${CLOUDEVENTS_JSON} (or ${JSON_MEDIA_TYPE}), or a batch as ${CLOUDEVENTS_BATCH_JSON}`,
    });
  }
  const body = request.body;
  if (isBatchType || (mediaType === JSON_MEDIA_TYPE && Array.isArray(body))) {
    if (!Array.isArray(body)) {
      throw badRequest(`A ${CLOUDEVENTS_BATCH_JSON} body must be a JSON array of CloudEvents`);
    }
    if (body.length === 0) throw badRequest('The batch is empty: send at least one event');
    if (body.length > MAX_BATCH_EVENTS) {
      throw badRequest(
        `The batch holds ${body.length} events; at most ${MAX_BATCH_EVENTS} are accepted per request: split it`,
      );
    }
    // Measured without JSON.stringify: an event may nest too deeply for it to write back,
    // and must still get the validator's answer (payload_too_large or invalid_data).
    return {
      batch: true,
      candidates: body.map((event: unknown) => ({
        event,
        byteLength: stringifiedByteLength(event),
      })),
    };
  }
  const byteLength = request.rawBody?.length ?? stringifiedByteLength(body);
  return { batch: false, candidates: [{ event: body, byteLength }] };
}

function idOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  const id = (event as Record<string, unknown>).id;
  return typeof id === 'string' ? id : undefined;
}

function rejectionsOf(
  candidates: CandidateEvent[],
  outcomes: DecodeResult[],
  batch: boolean,
): ProblemError[] {
  return outcomes.flatMap((outcome, index) => {
    if (outcome.ok) return [];
    const id = idOf(candidates[index].event);
    const pointer =
      outcome.pointer === undefined
        ? undefined
        : batch
          ? `/${index}${outcome.pointer}`
          : outcome.pointer;
    return [
      {
        index,
        ...(id === undefined ? {} : { id }),
        code: outcome.code,
        detail: outcome.message,
        ...(pointer === undefined ? {} : { pointer }),
      },
    ];
  });
}

/**
 * The same (source, id) twice in one batch with different content would be an `id_conflict`
 * on the Kafka path (the second goes to the DLQ); over HTTP the producer hears it now.
 * Exact repeats are fine: they are stored once.
 */
function conflictsOf(outcomes: DecodeResult[], batch: boolean): ProblemError[] {
  if (!batch) return [];
  const first = new Map<string, { index: number; sha256: string }>();
  const errors: ProblemError[] = [];
  outcomes.forEach((outcome, index) => {
    if (!outcome.ok) return;
    const { source, id, sha256 } = outcome.result;
    const key = JSON.stringify([source, id]);
    const seen = first.get(key);
    if (seen === undefined) first.set(key, { index, sha256 });
    else if (seen.sha256 !== sha256) {
      errors.push({
        index,
        id,
        code: 'id_conflict',
        detail: `source ${JSON.stringify(source)} and id ${JSON.stringify(id)} are already used by event ${seen.index} of this batch with different content: give each distinct result its own id`,
      });
    }
  });
  return errors;
}

function kafkaUnavailable(cause: unknown): ProblemException {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ProblemException({
    status: HttpStatus.SERVICE_UNAVAILABLE,
    title: 'Service Unavailable',
    detail: `Kafka did not acknowledge the events (${reason}). Retry the same request: events already written are recognised by (source, id) and stored once.`,
  });
}
