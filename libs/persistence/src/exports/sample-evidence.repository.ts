import { DataSource } from 'typeorm';

/** A result behind a sampled slot, with the evidence an auditor re-performs the test on. */
export interface SampledResult {
  id: string;
  time: Date;
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
        time: Date;
        outcome: string;
        late: boolean;
        evidence: Record<string, unknown> | null;
        test: Record<string, unknown> | null;
      }>
    >(
      `SELECT seq::text AS id, time, outcome, late, evidence, test
         FROM results
        WHERE service_id = $1 AND control_id = $2 AND seq = ANY($3::bigint[])
        ORDER BY time, seq`,
      [serviceId, controlId, ids],
    );
    return rows;
  }
}
