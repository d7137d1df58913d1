import type { Outcome } from './result-point';

/** The status of one expected slot (SPEC §5.3). */
export type SlotStatus = 'passed' | 'failed' | 'missed' | 'not_applicable';

/**
 * The status of a slot from the results whose time falls in it (SPEC §5.3): any `fail` or
 * `error` → `failed`; else any `pass` → `passed`; else any `not_applicable` →
 * `not_applicable`; else (no result) → `missed`. Late results count like any other; they are
 * reported separately, not discarded.
 */
export function slotStatus(results: readonly { outcome: Outcome }[]): SlotStatus {
  let passed = false;
  let notApplicable = false;
  for (const { outcome } of results) {
    switch (outcome) {
      case 'fail':
      case 'error':
        return 'failed';
      case 'pass':
        passed = true;
        break;
      case 'not_applicable':
        notApplicable = true;
        break;
    }
  }
  if (passed) return 'passed';
  return notApplicable ? 'not_applicable' : 'missed';
}
