import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import { isHmacAlgorithm, type Algorithm, type AsymmetricAlgorithm, type Clock, type Settings } from '../settings/index.js';
import { TokenBackendError } from './errors.js';
import { checkCompactJws, knownHeader } from './jws-structure.js';
import { digestOf, hmacVerifier, publicKeyVerifier, type ParsedVerifier } from './parsed-verifiers.js';
import { VerifiedTokens } from './verified-tokens.js';
import type { PinnedKey } from './keys.js';

export type Claims = Record<string, unknown>;

/**
 * Keys by `kid`, each pinned to one algorithm (the database keyring, an asymmetric key from
 * settings, another issuer's JWKS). See `Keyring`.
 */
export interface KeySet {
  /** The key new tokens are signed with (its `kid` goes in the header), or null. */
  signingKey(): PinnedKey | null;
  /** The key `kid` names while it may verify, or undefined. */
  verifyingKey(kid: string): PinnedKey | undefined;
  /** Asked before verifying a token whose `kid` is unknown; reloads at most once per cooldown. */
  refresh(kid: string): Promise<void>;
}

export interface JwtCodecOptions {
  /** The algorithm of `signingKey`; an HMAC key signs and verifies only tokens of exactly this algorithm. */
  algorithm: Algorithm;
  /** The HMAC secret for an HS algorithm; ignored (may be empty) for an asymmetric one, whose keys are in `keys`. */
  signingKey: string;
  /** Keys by `kid`; absent or null: only the HMAC key, with no `kid` in headers (Simple JWT's tokens). */
  keys?: KeySet | null;
  audience: string | null;
  issuer: string | null;
  /** Seconds of clock skew tolerated on `exp` and `nbf`. */
  leeway: number;
  clock: Clock;
  /** Verified tokens remembered so a token presented again skips its signature check (default 1,000; 0: none). */
  verifiedTokenCache?: number;
}

interface KeyCodec {
  sign: ((payload: Claims) => string) | null;
  signWithoutIat: ((payload: Claims) => string) | null;
  verify: (token: string) => Claims;
  /**
   * The same check on the parts `checkCompactJws` already decoded, when no `aud` or `iss` is
   * required (all fast-jwt would still do is the `alg` and signature): null otherwise.
   */
  verifyParsed: ParsedVerifier | null;
}

/**
 * Signs and verifies JWTs (Simple JWT's `TokenBackend`), on fast-jwt. Every key is pinned to one
 * algorithm when it is loaded and fast-jwt is told `algorithms: [thatOne]`: the algorithm is never
 * read from the token nor guessed from a key's text. A token naming a known `kid` is verified
 * with that key only; any other token with the HMAC key, when the configured algorithm is HMAC.
 * `exp` and `nbf` are checked here against the injected clock rather than by fast-jwt, so tests
 * can move time.
 */
/**
 * The codec a tessera's settings describe (their algorithm, audience, issuer and leeway) over
 * `keys`, with `hmacSecret` for an HS algorithm ('' for an asymmetric one): what the core, the
 * CLI's `token decode` and tessera/testing check and sign tokens with, so they cannot drift apart.
 */
export function codecFromSettings(
  settings: Pick<Settings, 'algorithm' | 'audience' | 'issuer' | 'leeway'>, keys: KeySet | null, hmacSecret: string, clock: Clock,
): JwtCodec {
  return new JwtCodec({
    algorithm: settings.algorithm, signingKey: hmacSecret, keys, audience: settings.audience,
    issuer: settings.issuer, leeway: settings.leeway, clock,
  });
}

export class JwtCodec {
  private readonly hmac: KeyCodec | null;
  private readonly pinned = new WeakMap<PinnedKey, KeyCodec>();
  private readonly decodeUnverified: (token: string) => Claims;
  private readonly verified: VerifiedTokens<KeyCodec>;

  constructor(private readonly options: JwtCodecOptions) {
    this.verified = new VerifiedTokens(options.verifiedTokenCache ?? 1000);
    this.hmac = isHmacAlgorithm(options.algorithm) && options.signingKey
      ? this.codecFor(options.algorithm, options.signingKey, options.signingKey, undefined)
      : null;
    this.decodeUnverified = createDecoder();
  }

  private codecFor(algorithm: Algorithm, privateKey: string | null, publicKey: string, kid: string | undefined): KeyCodec {
    const options = this.options;
    // Claims are complete (exp, iat) before signing; fast-jwt keeps them in place. To claims
    // without `iat` fast-jwt would add one from the real clock, and its `noTimestamp` drops any
    // `iat`: so a second signer for those (PyJWT adds nothing; drf-jwt's tokens have no `iat`).
    const signer = (noTimestamp: boolean) =>
      privateKey ? createSigner({ key: privateKey, algorithm, noTimestamp, ...(kid ? { kid } : {}) }) : null;
    // An HMAC secret signs and verifies (the two keys are the same text); it signs complete claims
    // as they are, so one signer serves both.
    const hmacKey = isHmacAlgorithm(algorithm) ? createSecretKey(Buffer.from(publicKey, 'utf8')) : null;
    const hmacSign = privateKey && hmacKey ? hmacSigner(algorithm, hmacKey, kid) : null;
    return {
      sign: hmacSign ?? signer(false),
      signWithoutIat: hmacSign ?? signer(true),
      verify: createVerifier({
        key: publicKey,
        algorithms: [algorithm],
        ignoreExpiration: true,
        ignoreNotBefore: true,
        ...(options.audience ? { allowedAud: options.audience } : {}),
        ...(options.issuer ? { allowedIss: options.issuer } : {}),
        requiredClaims: [options.audience && 'aud', options.issuer && 'iss'].filter((c): c is string => Boolean(c)),
      }),
      verifyParsed: options.audience || options.issuer ? null
        : hmacKey ? hmacVerifier(algorithm, hmacKey) : publicKeyVerifier(algorithm as AsymmetricAlgorithm, publicKey),
    };
  }

  private codecOf(key: PinnedKey): KeyCodec {
    let codec = this.pinned.get(key);
    if (!codec) {
      codec = this.codecFor(key.alg, key.privatePem, key.publicPem, key.kid);
      this.pinned.set(key, codec);
    }
    return codec;
  }

  /** The `kid` in a token's header, unverified; undefined when there is none or it is not a string. */
  private kidOf(token: string): string | undefined {
    const known = knownHeader(token);
    if (known) return typeof known.kid === 'string' ? known.kid : undefined;
    try {
      const dot = token.indexOf('.');
      const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot < 0 ? 0 : dot), 'base64url').toString('utf8'));
      const kid = (header as { kid?: unknown } | null)?.kid;
      return typeof kid === 'string' ? kid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Before verifying: lets the key set reload when the token names a `kid` it does not know. */
  async prepare(token: string): Promise<void> {
    const kid = this.unknownKid(token);
    if (kid !== undefined) await this.options.keys!.refresh(kid);
  }

  /** The `kid` the token names when the key set does not know it (`prepare` would reload); else undefined. */
  unknownKid(token: string): string | undefined {
    const keys = this.options.keys;
    if (!keys) return undefined;
    const kid = this.kidOf(token);
    return kid !== undefined && !keys.verifyingKey(kid) ? kid : undefined;
  }

  /** The key codec for a token naming `kid`: that key when known, else the HMAC key, else none. */
  private codecForKid(kid: string | undefined): KeyCodec | null {
    const key = kid !== undefined ? this.options.keys?.verifyingKey(kid) : undefined;
    return key ? this.codecOf(key) : this.hmac;
  }

  /** Claims of a token that passes the structure check and its key's signature check. */
  private verifiedClaims(token: string, remember: boolean): Claims {
    const remembered = this.verified.get(token);
    // A retired or replaced key no longer vouches for what it verified.
    if (remembered && this.codecForKid(remembered.kid) === remembered.key) return { ...remembered.claims };
    // The strict structure check decodes the header and payload; the signature check reuses them.
    const jws = checkCompactJws(token);
    const kid = this.options.keys && typeof jws.header.kid === 'string' ? jws.header.kid : undefined;
    const codec = this.codecForKid(kid);
    if (!codec) throw new TokenBackendError();
    const claims = codec.verifyParsed ? codec.verifyParsed(jws) : codec.verify(token);
    if (remember && claims !== null && typeof claims === 'object' && !Array.isArray(claims)) {
      this.verified.remember(token, claims, kid, codec);
    }
    return claims;
  }

  /** Signs `payload`, adding `aud` and `iss` when they are configured. */
  encode(payload: Claims): string {
    const claims: Claims = { ...payload };
    if (this.options.audience) claims.aud = this.options.audience;
    if (this.options.issuer) claims.iss = this.options.issuer;
    const key = this.options.keys?.signingKey();
    const codec = key?.privatePem ? this.codecOf(key) : this.hmac;
    const sign = 'iat' in claims ? codec?.sign : codec?.signWithoutIat;
    if (!sign) throw new Error('no signing key: set signingKey, or run `tessera keys generate`');
    return sign(claims);
  }

  /**
   * Verified claims, or `TokenBackendError`; `verify: false` only decodes (for inspection).
   * `remember: false` keeps a verified token out of the memory of verified tokens: for a token
   * presented once (a refresh token under rotation), which would only push out reused ones.
   * `expired: 'allow'` verifies everything but `exp`: for telling why a refused token was refused.
   */
  decode(
    token: string,
    { verify = true, remember = true, expired = 'refuse' }: { verify?: boolean; remember?: boolean; expired?: 'refuse' | 'allow' } = {},
  ): Claims {
    let claims: Claims;
    try {
      claims = verify ? this.verifiedClaims(token, remember) : this.decodeUnverified(token);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const claims = code === 'FAST_JWT_INVALID_CLAIM_VALUE' || code === 'FAST_JWT_MISSING_REQUIRED_CLAIM';
      throw new TokenBackendError(undefined, claims ? 'claims' : 'invalid');
    }
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new TokenBackendError();
    if (verify) this.checkTimes(claims, expired === 'allow');
    return claims;
  }

  /** PyJWT's rules: numeric `exp`/`nbf`/`iat`; expired when `exp <= now - leeway`. */
  private checkTimes(claims: Claims, allowExpired = false): void {
    const now = Math.floor(this.options.clock() / 1000);
    const { exp, nbf, iat } = claims;
    for (const value of [exp, nbf, iat]) {
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw new TokenBackendError();
    }
    if (typeof exp === 'number' && !allowExpired && exp <= now - this.options.leeway) throw new TokenBackendError(undefined, 'expired');
    if (typeof nbf === 'number' && nbf > now + this.options.leeway) throw new TokenBackendError(undefined, 'claims');
  }
}

/**
 * What fast-jwt's signer does for an HMAC key, on claims that are already complete (`iat` and
 * `exp` are whole seconds, or absent where a token has none): the same header (`alg`, `typ`,
 * `kid`), encoded once per key rather than on every call, and the claims as they are. fast-jwt
 * also builds a fresh header and claims object per token and turns base64 into base64url with
 * a regular expression; that was about half of a refresh's signing time (two tokens a refresh).
 */
function hmacSigner(algorithm: Algorithm, key: KeyObject, kid: string | undefined): (claims: Claims) => string {
  const digest = digestOf(algorithm);
  const header = Buffer.from(JSON.stringify({ alg: algorithm, typ: 'JWT', ...(kid ? { kid } : {}) })).toString('base64url');
  return (claims) => {
    const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${signingInput}.${createHmac(digest, key).update(signingInput).digest('base64url')}`;
  };
}
