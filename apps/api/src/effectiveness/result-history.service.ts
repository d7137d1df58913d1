import { Inject, Injectable } from '@nestjs/common';
import { OUTCOMES, type Outcome } from '@vigil/domain';
import { ResultHistoryRepository } from '@vigil/persistence';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { invalidParameter } from '../http/problem';
import { parseInstant } from '../http/window';
import { StoredResultPageDto } from './dto/result-history.dto';
import { EffectivenessService } from './effectiveness.service';

export interface ResultHistoryParams {
  from?: unknown;
  to?: unknown;
  outcome?: unknown;
  cursor?: unknown;
}

const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The raw history of one pair (SPEC §6), keyset-paged over (time, seq). */
@Injectable()
export class ResultHistoryService {
  constructor(
    @Inject(ResultHistoryRepository) private readonly results: ResultHistoryRepository,
    @Inject(EffectivenessService) private readonly effectiveness: EffectivenessService,
  ) {}

  async page(
    serviceId: string,
    controlId: string,
    params: ResultHistoryParams,
    limit: number,
  ): Promise<StoredResultPageDto> {
    const from = params.from === undefined ? undefined : parseInstant('from', params.from);
    const to = params.to === undefined ? undefined : parseInstant('to', params.to);
    if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) {
      throw invalidParameter('from', 'must be before to');
    }
    const outcomes = parseOutcomes(params.outcome);
    const after = parseCursor(decodeCursor(params.cursor));
    await this.effectiveness.assertPairKnown(serviceId, controlId);
    const rows = await this.results.findResultsPage({
      serviceId,
      controlId,
      from,
      to,
      outcomes,
      after,
      limit,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor([last.time, last.seq]) : null,
    };
  }
}

function parseOutcomes(raw: unknown): Outcome[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','));
  for (const value of values) {
    if (!(OUTCOMES as readonly string[]).includes(value)) {
      throw invalidParameter(
        'outcome',
        `must be one or more of ${OUTCOMES.join(', ')} (comma-separated)`,
      );
    }
  }
  return values as Outcome[];
}

function parseCursor(key: unknown[] | null): { time: string; seq: string } | null {
  if (key === null) return null;
  const [time, seq] = key;
  if (
    key.length !== 2 ||
    typeof time !== 'string' ||
    !TIME_KEY.test(time) ||
    typeof seq !== 'string' ||
    !/^\d{1,19}$/.test(seq)
  ) {
    throw invalidParameter('cursor', 'is not a cursor this API returned');
  }
  return { time, seq };
}
