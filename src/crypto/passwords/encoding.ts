// Reading and writing the text fields of Django's `algorithm$field$...` values.
// Parsers return null instead of throwing: a malformed stored hash is a failed
// login, never an exception.

// With the `u` flag this matches only surrogates that are not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** UTF-8 bytes of a password, or null when it holds a lone surrogate (which has no UTF-8 form). */
export function passwordBytes(password: string): Buffer | null {
  // Python's str.encode() refuses lone surrogates; Node would quietly turn each
  // into U+FFFD, so distinct passwords would hash alike. Refuse them instead.
  if (typeof password !== 'string' || LONE_SURROGATE.test(password)) return null;
  return Buffer.from(password, 'utf8');
}

/** Decode standard base64 (padded or not), or null unless `text` is exactly the canonical encoding of non-empty bytes. */
export function decodeBase64(text: string, padded: boolean): Buffer | null {
  // Buffer.from is lenient (skips junk, accepts url-safe chars); Django compares
  // whole strings, so only the canonical spelling may match.
  const bytes = Buffer.from(text, 'base64');
  const canonical = bytes.toString('base64');
  const expected = padded ? canonical : canonical.replace(/=+$/, '');
  return bytes.length > 0 && expected === text ? bytes : null;
}

/** Standard base64 without `=` padding, as argon2's PHC strings spell it. */
export function encodeBase64Unpadded(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

/** Parse an integer field as Python's `%d` writes it (no sign, no leading zeros) within [min, max], else null. */
export function parseIntField(text: string, min: number, max: number): number | null {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}
