import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { HMAC_ALGORITHMS, type Algorithm, type AsymmetricAlgorithm, type HmacAlgorithm } from './types.js';

/**
 * A JSON Web Key (RFC 7517) as node:crypto reads and writes it. Ours rather than node:crypto's
 * `JsonWebKey`, which newer @types/node no longer declare: tessera's published types must compile
 * against whichever @types/node a project has.
 */
export interface Jwk {
  kty?: string;
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
  [member: string]: unknown;
}

export function isHmacAlgorithm(alg: Algorithm): alg is HmacAlgorithm {
  return (HMAC_ALGORITHMS as readonly string[]).includes(alg);
}

/** The curve each ECDSA algorithm is defined on (RFC 7518 section 3.4), by node's name. */
const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/**
 * Why `key` cannot be used with `alg`, or null when it can. The key's type is read from the parsed
 * key (node:crypto), never from the text of a PEM: RS and PS take an RSA key of at least 2048
 * bits, ESxxx an EC key on that algorithm's curve, EdDSA an Ed25519 key.
 */
export function keyProblem(alg: AsymmetricAlgorithm, key: KeyObject): string | null {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (type !== 'rsa') return `${alg} needs an RSA key, not ${type ?? 'a secret'}`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 2048 ? null : `${alg} needs an RSA key of at least 2048 bits (got ${bits})`;
  }
  if (alg === 'EdDSA') return type === 'ed25519' ? null : `EdDSA needs an Ed25519 key, not ${type ?? 'a secret'}`;
  const curve = EC_CURVES[alg];
  if (type !== 'ec') return `${alg} needs an EC key on ${curve}, not ${type ?? 'a secret'}`;
  const actual = key.asymmetricKeyDetails?.namedCurve;
  return actual === curve ? null : `${alg} needs an EC key on ${curve}, not ${actual}`;
}

/** The private key in `pem`, refused unless it is one `alg` signs with. */
export function parsePrivateKeyFor(alg: AsymmetricAlgorithm, pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error(`is not a PEM private key (${alg} needs one)`);
  }
  const problem = keyProblem(alg, key);
  if (problem) throw new Error(problem);
  return key;
}

/** The public key in `source` (PEM, or a JWK), refused unless it is one `alg` verifies with. */
export function parsePublicKeyFor(alg: AsymmetricAlgorithm, source: string | Jwk): KeyObject {
  let key: KeyObject;
  try {
    if (typeof source === 'string') {
      if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(source)) throw new Error('private');
      key = createPublicKey({ key: source, format: 'pem' });
    } else {
      key = createPublicKey({ key: source, format: 'jwk' });
    }
  } catch {
    throw new Error(`is not a ${typeof source === 'string' ? 'PEM' : 'JWK'} public key (${alg} needs one)`);
  }
  const problem = keyProblem(alg, key);
  if (problem) throw new Error(problem);
  return key;
}
