import { createHash } from 'node:crypto';

/** Vigil's namespace for name-based OSCAL UUIDs (a fixed random UUID). */
export const VIGIL_OSCAL_NAMESPACE = '6f3d2b0e-8c1a-4e57-9b2d-3a4f5c6d7e80';

/**
 * An RFC 4122 version 5 (SHA-1, name-based) UUID: the same name always gives the same UUID,
 * so exporting the same period twice gives the same OSCAL document byte for byte.
 */
export function uuidV5(name: string, namespace = VIGIL_OSCAL_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
