import type { Frequency } from '../slots/frequency';
import type { Slot } from '../slots/slot';
import { slotsWithin } from '../slots/slots-within';
import { assertFiniteInterval, type Instant, type Interval } from '../time/instant';
import { scopePartsWithin, type ScopeInterval } from './scope-interval';

/** An expected slot, with the frequency in force in the scope interval that holds it. */
export type ExpectedSlot = Slot & { frequency: Frequency };

/**
 * The expected slots (SPEC §5.2): slots lying wholly inside `window`, ending at or before
 * `asOf`, and wholly inside ONE scope interval, each cut by that interval's frequency; sorted
 * by start.
 *
 * This is SPEC's literal rule: a slot straddling the boundary between two adjacent scope
 * intervals is not expected, even when both have the same frequency (an assignment ended and
 * a new one started mid-slot), and when the frequency changes mid-slot neither the old nor the
 * new frequency's slot across the change is expected. See {@link ScopeInterval} for how
 * callers should cut intervals.
 */
export function expectedSlots(input: {
  scopes: readonly ScopeInterval[];
  window: Interval;
  asOf: Instant;
}): ExpectedSlot[] {
  assertFiniteInterval(input.window, 'window');
  const due: Interval = { from: input.window.from, to: Math.min(input.window.to, input.asOf) };
  if (due.from >= due.to) return [];
  const slots: ExpectedSlot[] = [];
  for (const part of scopePartsWithin(input.scopes, due)) {
    for (const slot of slotsWithin(part.frequency, part)) {
      slots.push({ start: slot.start, end: slot.end, frequency: part.frequency });
    }
  }
  return slots;
}
