import type { SlotStatus, Verdict } from '@vigil/domain';
import { DataSource } from 'typeorm';

/** What the detector last saw of a pair: its latest expected slot and its verdict. */
export interface PairStatus {
  serviceId: string;
  controlId: string;
  slotStart: Date | null;
  slotEnd: Date | null;
  slotStatus: SlotStatus | null;
  verdict: Verdict;
}

/** A detected change, with the event to publish for it. */
export interface StatusChange {
  /** Deterministic: the same change detected twice (two runs, two leaders) has the same key. */
  changeKey: string;
  serviceId: string;
  controlId: string;
  reason: string;
  event: Record<string, unknown>;
}

export interface LoggedStatusChange extends StatusChange {
  id: string;
}

interface LogRow {
  id: string;
  change_key: string;
  service_id: string;
  control_id: string;
  reason: string;
  event: Record<string, unknown>;
}

interface PairStatusRow {
  service_id: string;
  control_id: string;
  slot_start: Date | null;
  slot_end: Date | null;
  slot_status: SlotStatus | null;
  verdict: Verdict;
}

/**
 * `pair_status` and the `status_change_log` outbox: a change is logged in the same
 * transaction that moves the pair's status, before anything is published; publishing marks it.
 */
export class StatusChangeRepository {
  constructor(private readonly dataSource: DataSource) {}

  async loadPairStatuses(): Promise<Map<string, PairStatus>> {
    const rows = await this.dataSource.query<PairStatusRow[]>(
      `SELECT service_id, control_id, slot_start, slot_end, slot_status, verdict FROM pair_status`,
    );
    return new Map(
      rows.map((r) => [
        pairKey(r.service_id, r.control_id),
        {
          serviceId: r.service_id,
          controlId: r.control_id,
          slotStart: r.slot_start,
          slotEnd: r.slot_end,
          slotStatus: r.slot_status,
          verdict: r.verdict,
        },
      ]),
    );
  }

  /** Moves the pairs' statuses and logs the changes, atomically; a change logged before is skipped. */
  async recordChanges(statuses: PairStatus[], changes: StatusChange[]): Promise<number> {
    if (statuses.length === 0 && changes.length === 0) return 0;
    return this.dataSource.transaction(async (tx) => {
      if (statuses.length > 0) {
        await tx.query(
          `INSERT INTO pair_status (service_id, control_id, slot_start, slot_end, slot_status, verdict, updated_at)
           SELECT * , now() FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[])
           ON CONFLICT (service_id, control_id) DO UPDATE
             SET slot_start = EXCLUDED.slot_start, slot_end = EXCLUDED.slot_end,
                 slot_status = EXCLUDED.slot_status, verdict = EXCLUDED.verdict, updated_at = now()`,
          [
            statuses.map((s) => s.serviceId),
            statuses.map((s) => s.controlId),
            statuses.map((s) => s.slotStart),
            statuses.map((s) => s.slotEnd),
            statuses.map((s) => s.slotStatus),
            statuses.map((s) => s.verdict),
          ],
        );
      }
      if (changes.length === 0) return 0;
      const inserted = await tx.query<unknown[]>(
        `INSERT INTO status_change_log (change_key, service_id, control_id, reason, event)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
         ON CONFLICT (change_key) DO NOTHING
         RETURNING id`,
        [
          changes.map((c) => c.changeKey),
          changes.map((c) => c.serviceId),
          changes.map((c) => c.controlId),
          changes.map((c) => c.reason),
          changes.map((c) => JSON.stringify(c.event)),
        ],
      );
      return inserted.length;
    });
  }

  /** Logged changes not yet acknowledged by Kafka, oldest first. */
  async findUnpublished(limit: number): Promise<LoggedStatusChange[]> {
    const rows = await this.dataSource.query<LogRow[]>(
      `SELECT id::text AS id, change_key, service_id, control_id, reason, event
         FROM status_change_log WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      changeKey: r.change_key,
      serviceId: r.service_id,
      controlId: r.control_id,
      reason: r.reason,
      event: r.event,
    }));
  }

  async markPublished(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE status_change_log SET published_at = now() WHERE id = ANY ($1::bigint[]) AND published_at IS NULL`,
      [ids],
    );
  }
}

export function pairKey(serviceId: string, controlId: string): string {
  return `${serviceId}\u0000${controlId}`;
}
