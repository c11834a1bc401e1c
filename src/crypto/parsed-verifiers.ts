import { constants, createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { Algorithm, AsymmetricAlgorithm } from '../settings/index.js';
import { TokenBackendError } from './errors.js';
import type { CompactJws } from './jws-structure.js';

/**
 * Signature checks on a token `checkCompactJws` already decoded, for a key with no claim rules
 * (no `aud` or `iss` required): all fast-jwt's verifier would still do there is the `alg` and the
 * signature, after decoding the token a second time (`crit` and the structure were refused
 * already). Each answers the payload or throws `TokenBackendError`.
 */
export type ParsedVerifier = (jws: CompactJws) => Claims;
type Claims = Record<string, unknown>;

/** The hash under an algorithm: HS256, RS256, ES256, PS256 -> sha256. */
export function digestOf(algorithm: Algorithm): string {
  return `sha${algorithm.slice(2)}`;
}

/** An HMAC key: the header's `alg` must be exactly the key's, the signature must match in constant time. */
export function hmacVerifier(algorithm: Algorithm, key: KeyObject): ParsedVerifier {
  const digest = digestOf(algorithm);
  return ({ header, payload, signingInput, signature }) => {
    if (header.alg !== algorithm) throw new TokenBackendError();
    const expected = createHmac(digest, key).update(signingInput).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(expected, given)) throw new TokenBackendError();
    return payload;
  };
}

/** JOSE's raw `r || s` length of an ECDSA signature (RFC 7518 section 3.4). */
const ECDSA_SIGNATURE_BYTES: Partial<Record<AsymmetricAlgorithm, number>> = { ES256: 64, ES384: 96, ES512: 132 };

/**
 * A public key pinned to `algorithm`: the header's `alg` must be exactly it, and the signature
 * is checked by Node's one-shot `crypto.verify` with the key parsed once (fast-jwt parses the PEM
 * and converts an ECDSA signature to DER on every call): RSASSA-PKCS1-v1_5 for RS, RSASSA-PSS
 * with a salt as long as the hash for PS (as fast-jwt), raw `r || s` of exactly the curve's
 * length for ES, Ed25519/Ed448 for EdDSA.
 */
export function publicKeyVerifier(algorithm: AsymmetricAlgorithm, publicPem: string): ParsedVerifier {
  const key = createPublicKey(publicPem);
  const family = algorithm.slice(0, 2);
  const digest = family === 'Ed' ? null : digestOf(algorithm);
  const ecdsaBytes = ECDSA_SIGNATURE_BYTES[algorithm];
  const options = family === 'PS' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : family === 'ES' ? { key, dsaEncoding: 'ieee-p1363' as const }
    : family === 'RS' ? { key, padding: constants.RSA_PKCS1_PADDING }
    : key;
  return ({ header, payload, signingInput, signature }) => {
    if (header.alg !== algorithm) throw new TokenBackendError();
    const given = Buffer.from(signature, 'base64url');
    if (ecdsaBytes !== undefined && given.length !== ecdsaBytes) throw new TokenBackendError();
    let valid: boolean;
    try {
      valid = verify(digest, Buffer.from(signingInput, 'latin1'), options, given);
    } catch {
      // A key of another type than the algorithm (refused when loaded; kept as a last guard).
      throw new TokenBackendError();
    }
    if (!valid) throw new TokenBackendError();
    return payload;
  };
}
