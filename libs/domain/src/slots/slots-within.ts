import { assertFiniteInterval, type Interval } from '../time/instant';
import type { Frequency } from './frequency';
import type { Slot } from './slot';
import { nextSlotStart, slotStartAt } from './slot-start-at';

/**
 * The slots of `frequency` lying wholly inside `interval` (`from <= start` and `end <= to`),
 * in order. A slot only partly inside is left out. Throws a RangeError for an unbounded
 * interval.
 */
export function slotsWithin(frequency: Frequency, interval: Interval): Slot[] {
  assertFiniteInterval(interval);
  const slots: Slot[] = [];
  let start = slotStartAt(frequency, interval.from);
  if (start < interval.from) start = nextSlotStart(frequency, start);
  for (;;) {
    const end = nextSlotStart(frequency, start);
    if (end > interval.to) return slots;
    slots.push({ start, end });
    start = end;
  }
}
