/**
 * An error with a stable code. Each transport maps codes to its own statuses in one place
 * (HTTP: apps/api problem-details filter; Kafka: the DLQ error codes).
 */
export class VigilError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'VigilError';
  }
}
