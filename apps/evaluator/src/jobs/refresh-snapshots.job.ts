import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ROLLING_WINDOW_DAYS, rollUp, rollingWindow, type PairEffectiveness } from '@vigil/domain';
import {
  EffectivenessQuery,
  EffectivenessSnapshotRepository,
  type EffectivenessSnapshot,
  type PairEvaluation,
} from '@vigil/persistence';
import { LOGGER } from '@vigil/platform';
import { EvaluatorMetrics } from './evaluator-metrics';
import { JobRunner } from './job-runner';
import { LeaderElection } from './leader-election.service';

interface PeriodAccumulator {
  periodDays: number;
  window: { from: Date; to: Date };
  fleet: PairEffectiveness[];
  services: Map<string, PairEffectiveness[]>;
  criteria: Map<string, PairEffectiveness[]>;
}

function push<K>(map: Map<K, PairEffectiveness[]>, key: K, value: PairEffectiveness): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The daily snapshots of the 30/90/180/365-day rolling windows (SPEC §5) for every pair,
 * service, criterion and the fleet. All of a day is written in one transaction, so a day is
 * either complete or absent; re-running a day overwrites it (idempotent).
 */
@Injectable()
export class RefreshSnapshotsJob implements OnModuleInit {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EffectivenessQuery) private readonly query: EffectivenessQuery,
    @Inject(EffectivenessSnapshotRepository)
    private readonly snapshots: EffectivenessSnapshotRepository,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(LeaderElection) private readonly leader: LeaderElection,
    @Inject(EvaluatorMetrics) private readonly metrics: EvaluatorMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    // A leader that starts after midnight (or took over from one that died) catches up.
    this.leader.onElected(() => this.runIfMissing(new Date()).then(() => undefined));
  }

  @Cron('5 0 * * *', { timeZone: 'UTC' })
  async scheduled(): Promise<void> {
    await this.run(new Date());
  }

  async runIfMissing(today: Date): Promise<boolean> {
    const day = dayOf(today);
    if (await this.snapshots.hasCompleteDay(day, ROLLING_WINDOW_DAYS)) return false;
    return this.run(today);
  }

  async run(today: Date): Promise<boolean> {
    return this.runner.run('refresh-snapshots', async () => {
      const rows = await this.refresh(today);
      this.metrics.snapshotRows.inc(rows);
      this.metrics.lastSnapshotRows.set(rows);
      this.logger.info({ day: dayOf(today), rows }, 'effectiveness snapshots written');
    });
  }

  /** Computes and writes the day's snapshots; returns the rows written. Leadership is the caller's concern. */
  async refresh(today: Date): Promise<number> {
    const day = dayOf(today);
    const periods: PeriodAccumulator[] = ROLLING_WINDOW_DAYS.map((periodDays) => {
      const w = rollingWindow(periodDays, today.getTime());
      return {
        periodDays,
        window: { from: new Date(w.from), to: new Date(w.to) },
        fleet: [],
        services: new Map(),
        criteria: new Map(),
      };
    });
    const rows: EffectivenessSnapshot[] = [];
    await this.query.forEachPairInWindows(
      { windows: periods.map((p) => p.window), now: today },
      async (evaluations) => {
        evaluations.forEach((evaluation, index) => {
          if (evaluation) rows.push(this.accumulate(periods[index], evaluation, day));
        });
      },
    );
    for (const period of periods) {
      const base = { periodDays: period.periodDays, day, window: period.window };
      for (const [serviceId, pairs] of period.services) {
        rows.push({ ...base, scope: { kind: 'service', serviceId }, data: rollUp(pairs) });
      }
      for (const [criterionId, pairs] of period.criteria) {
        rows.push({ ...base, scope: { kind: 'criterion', criterionId }, data: rollUp(pairs) });
      }
    }
    // Fleet rows last: their presence marks the day complete (hasCompleteDay).
    for (const period of periods) {
      rows.push({
        periodDays: period.periodDays,
        day,
        window: period.window,
        scope: { kind: 'fleet' },
        data: rollUp(period.fleet),
      });
    }
    return this.dataSource.transaction((tx) => this.snapshots.upsertSnapshots(rows, tx));
  }

  private accumulate(
    period: PeriodAccumulator,
    pair: PairEvaluation,
    day: string,
  ): EffectivenessSnapshot {
    const e = pair.effectiveness;
    // The trend endpoint answers the stored data as it is: the rollups' exact sum stays out.
    const { remediatedMicroseconds: _exactSum, ...fields } = e;
    period.fleet.push(e);
    push(period.services, pair.serviceId, e);
    for (const criterion of pair.control.criteria) push(period.criteria, criterion, e);
    return {
      scope: { kind: 'pair', serviceId: pair.serviceId, controlId: pair.controlId },
      periodDays: period.periodDays,
      day,
      window: period.window,
      data: { ...fields, ...pair.control },
    };
  }
}

/** The UTC day of an instant, YYYY-MM-DD. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
