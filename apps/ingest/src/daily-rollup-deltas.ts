import type { DailyRollupDelta, StoredOutcome } from '@vigil/persistence';

export interface RollupInput {
  serviceId: string;
  controlId: string;
  outcome: StoredOutcome;
  time: Date;
  /** Microseconds within `time`'s millisecond (0–999): they order results of one millisecond. */
  timeMicros?: number;
  late: boolean;
}

const DAY_MS = 86_400_000;

/** At equal times the most severe outcome is the day's last one (same rule as the SQL). */
const OUTCOME_RANK: Record<StoredOutcome, number> = {
  not_applicable: 1,
  pass: 2,
  error: 3,
  fail: 4,
};

/**
 * What a set of newly stored results adds to daily_rollups, one delta per (service, control,
 * UTC day). Hour bitmaps: bit h is set when the day has a result of that class in UTC hour h
 * (`fail` and `error` both count as fail).
 */
export function dailyRollupDeltas(results: Iterable<RollupInput>): DailyRollupDelta[] {
  const byKey = new Map<string, DailyRollupDelta>();
  for (const r of results) {
    const t = r.time.getTime();
    const micros = r.timeMicros ?? 0;
    const key = `${r.serviceId}\n${r.controlId}\n${Math.floor(t / DAY_MS)}`;
    let d = byKey.get(key);
    if (d === undefined) {
      d = {
        serviceId: r.serviceId,
        controlId: r.controlId,
        day: r.time.toISOString().slice(0, 10),
        passCount: 0,
        failCount: 0,
        errorCount: 0,
        notApplicableCount: 0,
        lateCount: 0,
        firstTime: r.time,
        lastTime: r.time,
        firstTimeMicros: micros,
        lastTimeMicros: micros,
        lastOutcome: r.outcome,
        passHours: 0,
        failHours: 0,
        notApplicableHours: 0,
      };
      byKey.set(key, d);
    } else {
      const order = compareInstants(t, micros, d.firstTime.getTime(), d.firstTimeMicros ?? 0);
      if (order < 0) {
        d.firstTime = r.time;
        d.firstTimeMicros = micros;
      }
      const last = compareInstants(t, micros, d.lastTime.getTime(), d.lastTimeMicros ?? 0);
      if (last > 0 || (last === 0 && OUTCOME_RANK[r.outcome] > OUTCOME_RANK[d.lastOutcome])) {
        d.lastTime = r.time;
        d.lastTimeMicros = micros;
        d.lastOutcome = r.outcome;
      }
    }
    const bit = 1 << r.time.getUTCHours();
    switch (r.outcome) {
      case 'pass':
        d.passCount++;
        d.passHours |= bit;
        break;
      case 'fail':
        d.failCount++;
        d.failHours |= bit;
        break;
      case 'error':
        d.errorCount++;
        d.failHours |= bit;
        break;
      case 'not_applicable':
        d.notApplicableCount++;
        d.notApplicableHours |= bit;
        break;
      default: {
        const unreachable: never = r.outcome;
        throw new Error(`unknown outcome ${String(unreachable)}`);
      }
    }
    if (r.late) d.lateCount++;
  }
  return [...byKey.values()];
}

/** Orders (millisecond, microseconds within it) instants: negative, zero or positive. */
function compareInstants(ms: number, micros: number, otherMs: number, otherMicros: number): number {
  return ms !== otherMs ? ms - otherMs : micros - otherMicros;
}
