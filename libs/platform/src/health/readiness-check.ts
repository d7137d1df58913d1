/** A dependency the process needs before it can serve; `check` throws when it is not ready. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<Record<string, unknown>>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
