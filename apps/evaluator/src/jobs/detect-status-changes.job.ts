import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Logger } from 'pino';
import { DAY_MS } from '@vigil/domain';
import {
  EffectivenessQuery,
  StatusChangeRepository,
  pairKey,
  type PairStatus,
  type StatusChange,
} from '@vigil/persistence';
import { APP_CONFIG, KafkaClient, LOGGER } from '@vigil/platform';
import type { EvaluatorConfig } from '../evaluator-config';
import { EvaluatorMetrics } from './evaluator-metrics';
import { JobRunner } from './job-runner';
import { statusChange, statusChangeReason, statusMoved } from './status-change';

/** The verdict the detector watches is the one dashboards show by default: the last 90 days. */
export const STATUS_WINDOW_DAYS = 90;
const PUBLISH_BATCH = 500;

/**
 * Every minute: evaluates every pair, compares its latest expected slot and verdict with what
 * it saw before, logs the changes (outbox, same transaction as the new status) and publishes
 * what is logged but unpublished — after commit, so a crash re-publishes instead of losing.
 */
@Injectable()
export class DetectStatusChangesJob {
  constructor(
    @Inject(EffectivenessQuery) private readonly query: EffectivenessQuery,
    @Inject(StatusChangeRepository) private readonly changes: StatusChangeRepository,
    @Inject(KafkaClient) private readonly kafka: KafkaClient,
    @Inject(APP_CONFIG) private readonly config: EvaluatorConfig,
    @Inject(JobRunner) private readonly runner: JobRunner,
    @Inject(EvaluatorMetrics) private readonly metrics: EvaluatorMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { timeZone: 'UTC' })
  async scheduled(): Promise<void> {
    await this.run(new Date());
  }

  async run(now: Date): Promise<boolean> {
    return this.runner.run('detect-status-changes', async () => {
      await this.detect(now);
      await this.publishPending();
    });
  }

  /** Logs the changes since the last run; returns how many new ones were logged. */
  async detect(now: Date): Promise<number> {
    const window = { from: new Date(now.getTime() - STATUS_WINDOW_DAYS * DAY_MS), to: now };
    const previous = await this.changes.loadPairStatuses();
    const moved: PairStatus[] = [];
    const found: StatusChange[] = [];
    await this.query.forEachPair(
      { ...window, now, withSlots: true, withEvidence: false },
      async (pair) => {
        const last = pair.slots?.[pair.slots.length - 1];
        const current: PairStatus = {
          serviceId: pair.serviceId,
          controlId: pair.controlId,
          slotStart: last ? new Date(last.start) : null,
          slotEnd: last ? new Date(last.end) : null,
          slotStatus: last?.status ?? null,
          verdict: pair.effectiveness.verdict,
        };
        const before = previous.get(pairKey(pair.serviceId, pair.controlId)) ?? null;
        if (!statusMoved(before, current)) return;
        moved.push(current);
        const reason = statusChangeReason(before, current);
        if (reason) found.push(statusChange(before, current, reason, now, window));
      },
    );
    const logged = await this.changes.recordChanges(moved, found);
    for (const change of found) this.metrics.statusChanges.inc({ reason: change.reason });
    if (logged > 0) this.logger.info({ changes: logged }, 'status changes detected');
    return logged;
  }

  /** Publishes logged changes Kafka has not acknowledged yet, oldest first. */
  async publishPending(): Promise<number> {
    let published = 0;
    for (;;) {
      const pending = await this.changes.findUnpublished(PUBLISH_BATCH);
      if (pending.length === 0) return published;
      await this.kafka.send(
        this.config.VIGIL_TOPIC_STATUS,
        pending.map((change) => ({
          key: change.serviceId,
          value: JSON.stringify(change.event),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      );
      await this.changes.markPublished(pending.map((change) => change.id));
      published += pending.length;
      this.metrics.statusChangesPublished.inc(pending.length);
      if (pending.length < PUBLISH_BATCH) return published;
    }
  }
}
