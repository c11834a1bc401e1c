import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  ASYMMETRIC_ALGORITHMS, keyProblem, parsePrivateKeyFor, parsePublicKeyFor, type AsymmetricAlgorithm, type Jwk,
} from '../settings/index.js';

/**
 * One key pinned to one algorithm, as loaded: the verifier for `kid` accepts `alg` and nothing
 * else, whatever a token's header says. Keys are handed to fast-jwt as normalised PEM (SPKI and
 * PKCS#8) exported from node:crypto's parse, never as the text they were configured with.
 */
export interface PinnedKey {
  kid: string;
  alg: AsymmetricAlgorithm;
  /** PKCS#8 PEM, or null for a key that only verifies (a JWKS consumer's, a retiring one's). */
  privatePem: string | null;
  /** SPKI PEM. */
  publicPem: string;
  /** The public key as published at `/.well-known/jwks.json`. */
  jwk: PublicJwk;
}

/** RFC 7517 public key members tessera publishes. */
export interface PublicJwk {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export function isAsymmetricAlgorithm(alg: unknown): alg is AsymmetricAlgorithm {
  return typeof alg === 'string' && (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg);
}

/** A signing key from its private PEM; `kid` defaults to the RFC 7638 thumbprint. */
export function pinPrivateKey(alg: AsymmetricAlgorithm, privatePem: string, kid?: string): PinnedKey {
  const privateKey = parsePrivateKeyFor(alg, privatePem);
  const publicKey = createPublicKey(privateKey);
  return pinned(alg, publicKey, kid, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** A verifying-only key from a PEM or a JWK. */
export function pinPublicKey(alg: AsymmetricAlgorithm, source: string | Jwk, kid?: string): PinnedKey {
  return pinned(alg, parsePublicKeyFor(alg, source), kid, null);
}

function pinned(alg: AsymmetricAlgorithm, publicKey: KeyObject, kid: string | undefined, privatePem: string | null): PinnedKey {
  const problem = keyProblem(alg, publicKey);
  if (problem) throw new Error(problem);
  const exported = publicKey.export({ format: 'jwk' }) as Jwk;
  const id = kid ?? thumbprint(exported);
  const jwk: PublicJwk = { kty: String(exported.kty), kid: id, alg, use: 'sig' };
  for (const member of ['n', 'e', 'crv', 'x', 'y'] as const) {
    if (typeof exported[member] === 'string') jwk[member] = exported[member] as string;
  }
  return { kid: id, alg, privatePem, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), jwk };
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public JWK. */
export function thumbprint(jwk: Jwk): string {
  const required: Record<string, string[]> = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] };
  const members = required[String(jwk.kty)] ?? Object.keys(jwk).sort();
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** A new private key for `alg`, as PKCS#8 PEM: RSA 2048 bits, the algorithm's curve, or Ed25519. */
export function generatePrivateKey(alg: AsymmetricAlgorithm): string {
  const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (alg.startsWith('RS') || alg.startsWith('PS')) return pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  if (alg === 'EdDSA') return pem(generateKeyPairSync('ed25519').privateKey);
  const namedCurve = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }[alg as 'ES256' | 'ES384' | 'ES512'];
  return pem(generateKeyPairSync('ec', { namedCurve }).privateKey);
}
