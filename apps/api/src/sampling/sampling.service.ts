import { Inject, Injectable } from '@nestjs/common';
import { defaultSampleSize, sampleRank, sampleSlots } from '@vigil/domain';
import { EffectivenessQuery, SampleEvidenceRepository } from '@vigil/persistence';
import { notFound } from '../http/problem';
import type { QueryWindow } from '../http/window';
import type { SampleDto } from './dto/sample.dto';

/** How a sample is drawn; named in every answer so an auditor can re-derive it (see sampleSlots). */
export const SAMPLE_ALGORITHM =
  'sha256-rank/1: rank of a slot = lowercase hex SHA-256 of the UTF-8 text "<seed>:<slot start as ISO 8601 UTC with milliseconds>"; ' +
  'the population (expected slots that are not not_applicable) is sorted by rank ascending, the first <size> are kept and listed by slot start';

export interface SampleRequest {
  serviceId: string;
  controlId: string;
  window: QueryWindow;
  now: Date;
  seed: string | undefined;
  size: number | undefined;
}

/**
 * The default seed when none is given: derived from the request itself, so the same pair and
 * window give the same sample on every machine, yet an auditor can pick their own.
 */
export function derivedSeed(serviceId: string, controlId: string, window: QueryWindow): string {
  return `${serviceId}/${controlId}/${window.from.toISOString()}/${window.to.toISOString()}`;
}

/**
 * A reproducible random sample of a pair's expected slots (SPEC §6), for auditor testing:
 * the slots come from the effectiveness engine, the choice from `sampleSlots` in the domain.
 */
@Injectable()
export class SamplingService {
  constructor(
    @Inject(EffectivenessQuery) private readonly effectiveness: EffectivenessQuery,
    @Inject(SampleEvidenceRepository) private readonly evidence: SampleEvidenceRepository,
  ) {}

  async sample(request: SampleRequest): Promise<SampleDto> {
    const { serviceId, controlId, window } = request;
    const [pair] = await this.effectiveness.evaluatePairs({
      from: window.from,
      to: window.to,
      now: request.now,
      serviceIds: [serviceId],
      controlId,
      withSlots: true,
    });
    if (!pair)
      throw notFound(
        `Control "${controlId}" is not assigned to service "${serviceId}" during the window`,
      );
    // The population is the expected occurrences: not_applicable slots are excluded (SPEC §5.4).
    const population = (pair.slots ?? []).filter((slot) => slot.status !== 'not_applicable');
    const seed = request.seed ?? derivedSeed(serviceId, controlId, window);
    const requestedSize = request.size ?? defaultSampleSize(pair.control.frequency);
    const size = Math.min(requestedSize, population.length);
    const chosen = sampleSlots(population, seed, size);
    const results = await this.evidence.findResultsOfPair(
      serviceId,
      controlId,
      chosen.flatMap((slot) => slot.resultIds),
    );
    const byId = new Map(results.map((r) => [r.id, r]));
    return {
      service: serviceId,
      control: controlId,
      title: pair.control.title,
      frequency: pair.control.frequency,
      window: { from: window.from.toISOString(), to: window.to.toISOString() },
      asOf: pair.asOf.toISOString(),
      seed,
      seedSource: request.seed === undefined ? 'derived' : 'given',
      size,
      requestedSize,
      populationSize: population.length,
      algorithm: SAMPLE_ALGORITHM,
      items: chosen.map((slot) => ({
        start: new Date(slot.start).toISOString(),
        end: new Date(slot.end).toISOString(),
        status: slot.status,
        rank: sampleRank(seed, slot.start),
        resultIds: slot.resultIds,
        evidenceUris: slot.evidenceUris,
        results: slot.resultIds.flatMap((id) => {
          const r = byId.get(id);
          return r
            ? [
                {
                  id: r.id,
                  source: r.source,
                  time: r.time,
                  outcome: r.outcome,
                  late: r.late,
                  evidence: r.evidence,
                  test: r.test,
                },
              ]
            : [];
        }),
      })),
    };
  }
}
