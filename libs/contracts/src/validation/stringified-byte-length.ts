/**
 * The UTF-8 size of `JSON.stringify(value)` for a parsed JSON value, measured without
 * recursing: JSON.parse accepts nesting that JSON.stringify cannot write back (it overflows
 * the stack after a few thousand levels), and such an event must still be measured to be
 * rejected with the right code (SPEC §3: size first).
 */
export function stringifiedByteLength(value: unknown): number {
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null) {
      // Scalars as JSON.stringify writes them (a non-finite number as null).
      bytes += Buffer.byteLength(JSON.stringify(item) ?? 'null', 'utf8');
    } else if (Array.isArray(item)) {
      bytes += 2 + Math.max(item.length - 1, 0);
      for (const child of item as unknown[]) stack.push(child);
    } else {
      const record = item as Record<string, unknown>;
      const names = Object.keys(record);
      bytes += 2 + Math.max(names.length - 1, 0);
      for (const name of names) {
        bytes += Buffer.byteLength(JSON.stringify(name), 'utf8') + 1;
        stack.push(record[name]);
      }
    }
  }
  return bytes;
}
