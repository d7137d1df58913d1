import { Client } from 'pg';
import { invalidateResultPacks } from '@vigil/persistence';

/** Seeds the catalogue and results through the real tables (issue 5 tests and benchmark). */
export interface SeedControl {
  id: string;
  title?: string;
  frequency: string;
  tolerableDeviationRate?: number;
  criteria: string[];
  /** Defaults to 1970-01-01, like the catalogue's first version. */
  validFrom?: string;
  validTo?: string | null;
}

export interface SeedResult {
  serviceId: string;
  controlId: string;
  outcome: 'pass' | 'fail' | 'error' | 'not_applicable';
  time: string;
  late?: boolean;
  evidenceUri?: string;
}

// A fresh connection for `fn`, closed afterwards (shared with the benchmarks).
export { withClient } from '../../bench/support/db';

export async function seedCatalog(
  client: Client,
  catalog: {
    services: string[];
    controls: SeedControl[];
    assignments: Array<{ service: string; control: string; from: string; to?: string | null }>;
  },
): Promise<void> {
  for (const id of catalog.services) {
    await client.query(
      `INSERT INTO services (id, name, owner) VALUES ($1, $1, 'team') ON CONFLICT DO NOTHING`,
      [id],
    );
  }
  for (const c of catalog.controls) {
    await client.query(`INSERT INTO controls (id) VALUES ($1) ON CONFLICT DO NOTHING`, [c.id]);
    await client.query(
      `INSERT INTO control_versions (control_id, valid_from, valid_to, title, frequency, tolerable_deviation_rate, criteria)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        c.id,
        c.validFrom ?? '1970-01-01T00:00:00Z',
        c.validTo ?? null,
        c.title ?? `Title of ${c.id}`,
        c.frequency,
        c.tolerableDeviationRate ?? 0.05,
        c.criteria,
      ],
    );
  }
  for (const a of catalog.assignments) {
    await client.query(
      `INSERT INTO assignments (service_id, control_id, valid_from, valid_to) VALUES ($1, $2, $3, $4)`,
      [a.service, a.control, a.from, a.to ?? null],
    );
  }
}

/** Inserts results (creating their month partitions) and returns their seq numbers in order. */
/** The CloudEvent id seedResults gives the result with this seq (slots list results by it). */
export function seededEventId(seq: string): string {
  return `ev-${seq}`;
}

/** Inserts the results in order; returns their seqs (their event ids are `seededEventId(seq)`). */
export async function seedResults(client: Client, results: SeedResult[]): Promise<string[]> {
  const months = new Set(results.map((r) => `${r.time.slice(0, 7)}-01`));
  for (const month of months)
    await client.query(`SELECT vigil_ensure_results_partition($1::date)`, [month]);
  const seqs: string[] = [];
  // As ingest does: the results and the invalidation of the packs they belong in, in one transaction.
  await client.query('BEGIN');
  try {
    await insertResults(client, results, seqs);
    await invalidateResultPacks(
      client,
      results.map((r) => ({
        serviceId: r.serviceId,
        controlId: r.controlId,
        time: new Date(r.time),
      })),
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return seqs;
}

async function insertResults(client: Client, results: SeedResult[], seqs: string[]): Promise<void> {
  for (const r of results) {
    const { rows } = await client.query<{ seq: string }>(
      `WITH s AS (SELECT nextval('results_seq') AS seq)
       INSERT INTO results (seq, source, event_id, service_id, control_id, outcome, time, received_at, late, evidence, event_sha256)
       SELECT s.seq, '//test', 'ev-' || s.seq, $1, $2, $3, $4, $4::timestamptz + interval '1 minute', $5, $6, 'x' FROM s
       RETURNING seq::text`,
      [
        r.serviceId,
        r.controlId,
        r.outcome,
        r.time,
        r.late ?? false,
        r.evidenceUri ? { uri: r.evidenceUri } : null,
      ],
    );
    seqs.push(rows[0].seq);
  }
}
