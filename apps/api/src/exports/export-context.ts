import type { PairEvaluation } from '@vigil/persistence';
import type { ExportRequest } from './export-request';

/** What every export file is written from: the request and the engine's evaluated pairs. */
export interface ExportContext {
  request: ExportRequest;
  vigilVersion: string;
  /** The database snapshot every read of this export joins (undefined: single-query exports). */
  snapshotId(): Promise<string | undefined>;
  /**
   * Every pair of the scope without slots, ordered by (service, control), evaluated once per
   * export and reused by every file (one row per pair: small whatever the period's size).
   */
  summary(): Promise<PairEvaluation[]>;
  /** Streams the pairs with their slots, in the same order (constant memory). */
  forEachPairWithSlots(fn: (pair: PairEvaluation) => Promise<void>): Promise<void>;
  /** The same for the pairs that deviated only (failed or missed slots): what exception lists need. */
  forEachDeviatingPairWithSlots(fn: (pair: PairEvaluation) => Promise<void>): Promise<void>;
}
