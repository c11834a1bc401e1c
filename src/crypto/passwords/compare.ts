import { timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two byte strings; false (not an exception) when their lengths differ. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  // timingSafeEqual throws on a length mismatch. Lengths follow from the public
  // algorithm and stored value, so checking them first leaks nothing secret.
  return a.length === b.length && timingSafeEqual(a, b);
}
