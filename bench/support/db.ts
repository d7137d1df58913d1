import { Client } from 'pg';

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
    SELECT service_id, control_id, (time AT TIME ZONE 'UTC')::date,
      count(*) FILTER (WHERE outcome = 'pass'), count(*) FILTER (WHERE outcome = 'fail'),
      count(*) FILTER (WHERE outcome = 'error'), count(*) FILTER (WHERE outcome = 'not_applicable'),
      count(*) FILTER (WHERE late), min(time), max(time),
      (array_agg(outcome ORDER BY time DESC, vigil_outcome_rank(outcome) DESC))[1],
      coalesce(bit_or(1 << extract(hour FROM time AT TIME ZONE 'UTC')::int) FILTER (WHERE outcome = 'pass'), 0),
      coalesce(bit_or(1 << extract(hour FROM time AT TIME ZONE 'UTC')::int) FILTER (WHERE outcome IN ('fail', 'error')), 0),
      coalesce(bit_or(1 << extract(hour FROM time AT TIME ZONE 'UTC')::int) FILTER (WHERE outcome = 'not_applicable'), 0)
    FROM results GROUP BY 1, 2, 3`);
}
