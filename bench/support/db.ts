import { Client } from 'pg';
import { DAILY_ROLLUPS_FROM_RESULTS_SQL } from '@vigil/persistence';

/** Runs `fn` with a fresh connection to `url`, closed afterwards. */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Fills `daily_rollups` from the COPY-seeded `results` in one statement: what ingest keeps per
 * (service, control, UTC day), for benchmarks that seed results without ingest.
 */
export async function deriveDailyRollups(client: Client): Promise<void> {
  await client.query(`
    INSERT INTO daily_rollups (service_id, control_id, day, pass_count, fail_count, error_count,
      not_applicable_count, late_count, first_time, last_time, last_outcome, pass_hours, fail_hours, not_applicable_hours)
    ${DAILY_ROLLUPS_FROM_RESULTS_SQL}`);
}
