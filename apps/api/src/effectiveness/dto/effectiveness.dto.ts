import { ApiProperty } from '@nestjs/swagger';
import {
  FREQUENCIES,
  VERDICTS,
  type EffectivenessRollup,
  type Frequency,
  type PairEffectiveness,
  type SlotEvaluation,
  type SlotStatus,
  type Verdict,
} from '@vigil/domain';
import type { PairEvaluation } from '@vigil/persistence';
import { isoInstant } from '../../http/iso-instant';

const SLOT_STATUSES: SlotStatus[] = ['passed', 'failed', 'missed', 'not_applicable'];

export class WindowDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the window, inclusive' })
  from!: string;
  @ApiProperty({ format: 'date-time', description: 'End of the window, exclusive' })
  to!: string;

  static of(window: { from: Date; to: Date }): WindowDto {
    return { from: window.from.toISOString(), to: window.to.toISOString() };
  }
}

export class ResultCountsDto {
  @ApiProperty() pass!: number;
  @ApiProperty() fail!: number;
  @ApiProperty() error!: number;
  @ApiProperty() notApplicable!: number;
}

export class VerdictCountsDto {
  @ApiProperty() not_in_scope!: number;
  @ApiProperty() effective!: number;
  @ApiProperty() effective_with_exceptions!: number;
  @ApiProperty() not_effective!: number;
}

export class ComplianceSecondsDto {
  @ApiProperty({ description: 'Seconds under a fresh pass' }) compliant!: number;
  @ApiProperty({ description: 'Seconds in scope, minus time under a fresh not_applicable' })
  considered!: number;
}

/** The fields SPEC §5.11 rolls up, shared by the fleet, a service and a criterion. */
export class RollupFieldsDto {
  @ApiProperty({ description: 'How many (service, control) pairs are rolled up' })
  pairCount!: number;
  @ApiProperty() expectedOccurrences!: number;
  @ApiProperty() passedOccurrences!: number;
  @ApiProperty() failedOccurrences!: number;
  @ApiProperty() missedOccurrences!: number;
  @ApiProperty() notApplicableOccurrences!: number;
  @ApiProperty() deviations!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Σ deviations / Σ expected' })
  deviationRate!: number | null;
  @ApiProperty({ type: Number, nullable: true }) coverage!: number | null;
  @ApiProperty() remediatedEpisodes!: number;
  @ApiProperty() openEpisodes!: number;
  @ApiProperty({ type: Number, nullable: true }) mttrSeconds!: number | null;
  @ApiProperty({ type: ResultCountsDto }) resultCounts!: ResultCountsDto;
  @ApiProperty() lateResults!: number;
  @ApiProperty({ type: Number, nullable: true }) timeInCompliance!: number | null;
  @ApiProperty({ enum: VERDICTS, description: 'The worst verdict of the pairs' }) verdict!: Verdict;
  @ApiProperty({ type: VerdictCountsDto }) verdictCounts!: VerdictCountsDto;
}

export function rollupFields(rollup: EffectivenessRollup): RollupFieldsDto {
  return {
    pairCount: rollup.pairs,
    expectedOccurrences: rollup.expectedOccurrences,
    passedOccurrences: rollup.passedOccurrences,
    failedOccurrences: rollup.failedOccurrences,
    missedOccurrences: rollup.missedOccurrences,
    notApplicableOccurrences: rollup.notApplicableOccurrences,
    deviations: rollup.deviations,
    deviationRate: rollup.deviationRate,
    coverage: rollup.coverage,
    remediatedEpisodes: rollup.remediatedEpisodes,
    openEpisodes: rollup.openEpisodes,
    mttrSeconds: rollup.mttrSeconds,
    resultCounts: { ...rollup.resultCounts },
    lateResults: rollup.lateResults,
    timeInCompliance: rollup.timeInCompliance,
    verdict: rollup.verdict,
    verdictCounts: { ...rollup.verdictCounts },
  };
}

/** One (service, control) pair: every field of SPEC §5 plus the control's title, criteria, frequency. */
export class PairEffectivenessDto {
  @ApiProperty() serviceId!: string;
  @ApiProperty() controlId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String] }) criteria!: string[];
  @ApiProperty({ enum: FREQUENCIES }) frequency!: Frequency;
  @ApiProperty() tolerableDeviationRate!: number;
  @ApiProperty() expectedOccurrences!: number;
  @ApiProperty() passedOccurrences!: number;
  @ApiProperty() failedOccurrences!: number;
  @ApiProperty() missedOccurrences!: number;
  @ApiProperty() notApplicableOccurrences!: number;
  @ApiProperty() deviations!: number;
  @ApiProperty({ type: Number, nullable: true }) deviationRate!: number | null;
  @ApiProperty({ type: Number, nullable: true }) coverage!: number | null;
  @ApiProperty() longestDeviationStreak!: number;
  @ApiProperty() remediatedEpisodes!: number;
  @ApiProperty() openEpisodes!: number;
  @ApiProperty({ type: Number, nullable: true }) mttrSeconds!: number | null;
  @ApiProperty({ type: Number, nullable: true }) timeInCompliance!: number | null;
  @ApiProperty({ type: ResultCountsDto }) resultCounts!: ResultCountsDto;
  @ApiProperty() lateResults!: number;
  @ApiProperty({ enum: VERDICTS }) verdict!: Verdict;
  @ApiProperty({ description: 'At least 90 days of the window in scope' })
  meetsMinimumPeriod!: boolean;
  @ApiProperty({ description: 'Seconds of the window in scope' }) inScopeSeconds!: number;
  @ApiProperty({ type: ComplianceSecondsDto }) complianceSeconds!: ComplianceSecondsDto;

  static of(pair: PairEvaluation): PairEffectivenessDto {
    return {
      serviceId: pair.serviceId,
      controlId: pair.controlId,
      title: pair.control.title,
      criteria: [...pair.control.criteria],
      frequency: pair.control.frequency,
      tolerableDeviationRate: pair.control.tolerableDeviationRate,
      ...pairFields(pair.effectiveness),
    };
  }
}

function pairFields(
  e: PairEffectiveness,
): Omit<
  PairEffectivenessDto,
  'serviceId' | 'controlId' | 'title' | 'criteria' | 'frequency' | 'tolerableDeviationRate'
> {
  return {
    expectedOccurrences: e.expectedOccurrences,
    passedOccurrences: e.passedOccurrences,
    failedOccurrences: e.failedOccurrences,
    missedOccurrences: e.missedOccurrences,
    notApplicableOccurrences: e.notApplicableOccurrences,
    deviations: e.deviations,
    deviationRate: e.deviationRate,
    coverage: e.coverage,
    longestDeviationStreak: e.longestDeviationStreak,
    remediatedEpisodes: e.remediatedEpisodes,
    openEpisodes: e.openEpisodes,
    mttrSeconds: e.mttrSeconds,
    timeInCompliance: e.timeInCompliance,
    resultCounts: { ...e.resultCounts },
    lateResults: e.lateResults,
    verdict: e.verdict,
    meetsMinimumPeriod: e.meetsMinimumPeriod,
    inScopeSeconds: e.inScopeSeconds,
    complianceSeconds: { ...e.complianceSeconds },
  };
}

export class SlotDto {
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ format: 'date-time' }) end!: string;
  @ApiProperty({ enum: SLOT_STATUSES }) status!: SlotStatus;
  @ApiProperty({
    type: [String],
    description:
      'CloudEvent ids of the results in the slot, in time order (each result also has a source)',
  })
  resultIds!: string[];
  @ApiProperty({ type: [String], description: 'Distinct evidence URIs of those results' })
  evidenceUris!: string[];

  static of(slot: SlotEvaluation): SlotDto {
    return {
      start: isoInstant(slot.start),
      end: isoInstant(slot.end),
      status: slot.status,
      resultIds: slot.resultIds,
      evidenceUris: slot.evidenceUris,
    };
  }
}

export class PairEffectivenessResponseDto extends PairEffectivenessDto {
  @ApiProperty({ type: WindowDto }) window!: WindowDto;
  @ApiProperty({ format: 'date-time', description: 'min(to, now)' }) asOf!: string;
  @ApiProperty({ type: [SlotDto], description: 'Every expected slot with its status and evidence' })
  slots!: SlotDto[];
}

export class ServiceRollupRowDto extends RollupFieldsDto {
  @ApiProperty() serviceId!: string;
}

export class FleetEffectivenessDto extends RollupFieldsDto {
  @ApiProperty({ type: WindowDto }) window!: WindowDto;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ type: [ServiceRollupRowDto], description: 'One rollup per service' })
  services!: ServiceRollupRowDto[];
}

export class ServiceEffectivenessDto extends RollupFieldsDto {
  @ApiProperty() serviceId!: string;
  @ApiProperty({ type: WindowDto }) window!: WindowDto;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ type: [PairEffectivenessDto], description: 'One row per control' })
  controls!: PairEffectivenessDto[];
}

export class CriterionEffectivenessDto extends RollupFieldsDto {
  @ApiProperty() criterionId!: string;
  @ApiProperty({ type: WindowDto }) window!: WindowDto;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ type: [PairEffectivenessDto], description: 'One row per (service, control) pair' })
  pairs!: PairEffectivenessDto[];
}
