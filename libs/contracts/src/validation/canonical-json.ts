import { createHash } from 'node:crypto';

/**
 * Canonical JSON in the manner of RFC 8785 (JSON Canonicalization Scheme): object members
 * sorted by the UTF-16 code units of their names, recursively; no insignificant whitespace;
 * strings and numbers serialized exactly as ECMAScript `JSON.stringify` does (which is what
 * RFC 8785 prescribes). Values that JSON cannot carry follow `JSON.stringify`: `toJSON()` is
 * honoured, `undefined` and functions drop out of objects and become `null` in arrays,
 * non-finite numbers become `null`.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value, false);
  return text ?? 'null';
}

/** Hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function compareUtf16(a: string, b: string): number {
  // The default sort order of JS strings is by UTF-16 code units, as RFC 8785 §3.2.3 requires.
  return a < b ? -1 : a > b ? 1 : 0;
}

function serialize(input: unknown, inArray: boolean): string | undefined {
  let value = input;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: BigInt has no JSON representation');
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        return `[${value.map((item: unknown) => serialize(item, true)).join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const key of Object.keys(record).sort(compareUtf16)) {
        const member = serialize(record[key], false);
        if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
      }
      return `{${members.join(',')}}`;
    }
  }
}
