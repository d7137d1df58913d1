import { decodeCursor } from '../http/pagination';
import { invalidParameter } from '../http/problem';

/** The sort key inside an opaque cursor of a catalogue list: `size` strings. */
export function cursorKey(cursor: string | undefined, size: number): string[] | null {
  const key = decodeCursor(cursor);
  if (key === null) return null;
  if (key.length !== size || !key.every((k): k is string => typeof k === 'string')) {
    throw invalidParameter('cursor', 'is not a cursor this API returned');
  }
  return key;
}
