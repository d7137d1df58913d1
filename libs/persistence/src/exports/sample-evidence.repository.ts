import { DataSource } from 'typeorm';

/** A result behind a sampled slot, with the evidence an auditor re-performs the test on. */
export interface SampledResult {
  /** The CloudEvent id, as in the slots' resultIds. */
  id: string;
  source: string;
  /** RFC 3339 UTC with the stored microseconds, as raw history writes it. */
  time: string;
  outcome: string;
  late: boolean;
  evidence: Record<string, unknown> | null;
  test: Record<string, unknown> | null;
}

/** The stored results of sampled slots (SPEC §6 sample), looked up by their ids. */
export class SampleEvidenceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findResultsOfPair(
    serviceId: string,
    controlId: string,
    ids: string[],
  ): Promise<SampledResult[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        source: string;
        time: string;
        outcome: string;
        late: boolean;
        evidence: Record<string, unknown> | null;
        test: Record<string, unknown> | null;
      }>
    >(
      `SELECT event_id AS id, source,
              to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time,
              outcome, late, evidence, test
         FROM results
        WHERE service_id = $1 AND control_id = $2 AND event_id = ANY($3::text[])
        ORDER BY time, seq`,
      [serviceId, controlId, ids],
    );
    return rows;
  }
}
