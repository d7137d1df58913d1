import { createHash } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';

/** The client went away: the export stops and its database cursor is closed. */
export class ExportAbortedError extends Error {
  constructor() {
    super('the export stream was closed before its end');
    this.name = 'ExportAbortedError';
  }
}

const BATCH_BYTES = 64 * 1024;

/**
 * Where an export file is written: batches small writes, waits when the reader is slower
 * (so memory stays flat), fails fast when the reader is gone, and hashes and counts the bytes
 * as they pass (the manifest's SHA-256 of every file).
 */
export class ExportSink {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly out: Writable) {}

  async write(chunk: string | Buffer): Promise<void> {
    this.writeNow(chunk);
    if (this.pendingBytes >= BATCH_BYTES) await this.flush();
  }

  /** Buffers without waiting; call `flush` soon after (used from synchronous callbacks). */
  writeNow(chunk: string | Buffer): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (buffer.length === 0) return;
    this.hash.update(buffer);
    this.bytes += buffer.length;
    this.pending.push(buffer);
    this.pendingBytes += buffer.length;
  }

  async flush(): Promise<void> {
    if (this.out.destroyed || this.out.writableEnded) throw new ExportAbortedError();
    if (this.pendingBytes === 0) return;
    const buffer =
      this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.out.write(buffer)) await drained(this.out);
  }

  sha256(): string {
    return this.hash.copy().digest('hex');
  }
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new ExportAbortedError());
    };
    const cleanup = () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
    };
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/** What a producer reports when its file is complete. */
export interface ProducedFile {
  sha256: string;
  bytes: number;
  rows?: number;
}

export type FileProducer = (sink: ExportSink) => Promise<{ rows?: number } | void>;

/**
 * Runs a producer into a readable stream. `done` settles with the file's hash, size and rows
 * once its last byte is written, or rejects when the producer fails or the reader goes away.
 */
export function produce(producer: FileProducer): { stream: Readable; done: Promise<ProducedFile> } {
  const stream = new PassThrough({ highWaterMark: 256 * 1024 });
  // Failures are reported through `done`. The stream may be piped into a zip entry, and yazl
  // does not listen for its errors: without this listener destroying it (a failed producer, a
  // client gone mid-download) would be an unhandled 'error' event that ends the API process.
  stream.on('error', () => undefined);
  const sink = new ExportSink(stream);
  const done = (async () => {
    const result = await producer(sink);
    await sink.flush();
    stream.end();
    return { sha256: sink.sha256(), bytes: sink.bytes, rows: result ? result.rows : undefined };
  })();
  done.catch((error: unknown) => {
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return { stream, done };
}
