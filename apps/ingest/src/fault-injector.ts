/**
 * Test-only crash points (env INGEST_FAULT=before-db-commit:<n>|after-db-commit:<n>): the
 * process kills itself with SIGKILL at that point of its n-th batch transaction, so fault
 * tests can crash it exactly between the database commit and the Kafka commit. Inert unless
 * the variable is set.
 */
export type FaultPoint = 'before-db-commit' | 'after-db-commit';

export interface FaultPlan {
  point: FaultPoint;
  batch: number;
}

export function parseFaultPlan(raw: string | undefined): FaultPlan | null {
  if (raw === undefined || raw === '') return null;
  const match = /^(before-db-commit|after-db-commit):(\d+)$/.exec(raw);
  if (!match) {
    throw new Error(
      `INGEST_FAULT must be before-db-commit:<n> or after-db-commit:<n>, got "${raw}"`,
    );
  }
  return { point: match[1] as FaultPoint, batch: Number(match[2]) };
}

export class FaultInjector {
  constructor(
    private readonly plan: FaultPlan | null,
    private readonly kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
  ) {}

  /** Called at each fault point with the 1-based number of the batch transaction. */
  at(point: FaultPoint, batch: number): void {
    if (this.plan !== null && this.plan.point === point && this.plan.batch === batch) this.kill();
  }
}
