import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { Logger } from 'pino';
import { APP_CONFIG, LOGGER } from '@vigil/platform';
import type { EvaluatorConfig } from '../evaluator-config';
import { EvaluatorMetrics } from './evaluator-metrics';

/** How often a follower retries the lock and a leader checks its lock connection. */
export const LEADER_RETRY_MS = 2_000;

/**
 * One leader among evaluator replicas (SPEC §2): a PostgreSQL session advisory lock held on a
 * dedicated connection. The lock lives exactly as long as that session, so a leader that dies
 * (process killed, connection cut) releases it and a follower takes over on its next retry.
 * A leader that loses its connection stops being leader at once (the client's error event).
 */
@Injectable()
export class LeaderElection implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Any fixed 64-bit key; advisory locks are per database, so deployments do not collide. */
  static readonly LOCK_KEY = '7270917385211133001';

  private client: Client | null = null;
  private leader = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly electedHandlers: Array<() => Promise<void>> = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: EvaluatorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EvaluatorMetrics) private readonly metrics: EvaluatorMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** Runs `handler` each time this replica becomes leader (catch-up work). */
  onElected(handler: () => Promise<void>): void {
    this.electedHandlers.push(handler);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // Ending the session releases the lock at once, so a follower does not wait for a timeout.
    this.drop();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick()
        .catch((error: unknown) => this.lose(error))
        .finally(() => this.schedule(LEADER_RETRY_MS));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.leader && this.client) {
      await this.client.query('SELECT 1');
      return;
    }
    this.client ??= await this.connect();
    const { rows } = await this.client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [LeaderElection.LOCK_KEY],
    );
    if (!rows[0]?.locked || this.stopped) return;
    this.leader = true;
    this.metrics.leader.set(1);
    this.logger.info('evaluator elected leader');
    for (const handler of this.electedHandlers) {
      handler().catch((error: unknown) =>
        this.logger.error({ err: error }, 'leader start-up job failed'),
      );
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'vigil-evaluator-leader',
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    client.on('error', (error: Error) => this.lose(error));
    await client.connect();
    return client;
  }

  private lose(error: unknown): void {
    if (this.leader) this.logger.warn({ err: error }, 'evaluator lost leadership');
    else if (!this.stopped) this.logger.debug({ err: error }, 'leader lock attempt failed');
    this.drop();
  }

  private drop(): void {
    this.leader = false;
    this.metrics.leader.set(0);
    const client = this.client;
    this.client = null;
    client?.end().catch(() => undefined);
  }
}
