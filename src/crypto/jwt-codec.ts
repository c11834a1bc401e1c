import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import type { Algorithm, Clock } from '../settings/index.js';
import { TokenBackendError } from './errors.js';

export type Claims = Record<string, unknown>;

export interface JwtCodecOptions {
  algorithm: Algorithm;
  signingKey: string;
  audience: string | null;
  issuer: string | null;
  /** Seconds of clock skew tolerated on `exp` and `nbf`. */
  leeway: number;
  clock: Clock;
}

/**
 * Signs and verifies JWTs (Simple JWT's `TokenBackend`), on fast-jwt. The algorithm is pinned
 * by configuration and never read from the token; `exp` and `nbf` are checked here against the
 * injected clock rather than by fast-jwt, so tests can move time.
 */
export class JwtCodec {
  private readonly sign: (payload: Claims) => string;
  private readonly signWithoutIat: (payload: Claims) => string;
  private readonly verify: (token: string) => Claims;
  private readonly decodeUnverified: (token: string) => Claims;

  constructor(private readonly options: JwtCodecOptions) {
    // Claims are complete (exp, iat) before signing; fast-jwt keeps them in place. To claims
    // without `iat` fast-jwt would add one from the real clock, and its `noTimestamp` drops any
    // `iat`: so a second signer for those (PyJWT adds nothing; drf-jwt's tokens have no `iat`).
    this.sign = createSigner({ key: options.signingKey, algorithm: options.algorithm });
    this.signWithoutIat = createSigner({ key: options.signingKey, algorithm: options.algorithm, noTimestamp: true });
    this.verify = createVerifier({
      key: options.signingKey,
      algorithms: [options.algorithm],
      ignoreExpiration: true,
      ignoreNotBefore: true,
      ...(options.audience ? { allowedAud: options.audience } : {}),
      ...(options.issuer ? { allowedIss: options.issuer } : {}),
      requiredClaims: [options.audience && 'aud', options.issuer && 'iss'].filter((c): c is string => Boolean(c)),
    });
    this.decodeUnverified = createDecoder();
  }

  /** Signs `payload`, adding `aud` and `iss` when they are configured. */
  encode(payload: Claims): string {
    const claims: Claims = { ...payload };
    if (this.options.audience) claims.aud = this.options.audience;
    if (this.options.issuer) claims.iss = this.options.issuer;
    return 'iat' in claims ? this.sign(claims) : this.signWithoutIat(claims);
  }

  /** Verified claims, or `TokenBackendError`; `verify: false` only decodes (for inspection). */
  decode(token: string, { verify = true }: { verify?: boolean } = {}): Claims {
    let claims: Claims;
    try {
      claims = verify ? this.verify(token) : this.decodeUnverified(token);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const claims = code === 'FAST_JWT_INVALID_CLAIM_VALUE' || code === 'FAST_JWT_MISSING_REQUIRED_CLAIM';
      throw new TokenBackendError(undefined, claims ? 'claims' : 'invalid');
    }
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new TokenBackendError();
    if (verify) this.checkTimes(claims);
    return claims;
  }

  /** PyJWT's rules: numeric `exp`/`nbf`/`iat`; expired when `exp <= now - leeway`. */
  private checkTimes(claims: Claims): void {
    const now = Math.floor(this.options.clock() / 1000);
    const { exp, nbf, iat } = claims;
    for (const value of [exp, nbf, iat]) {
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw new TokenBackendError();
    }
    if (typeof exp === 'number' && exp <= now - this.options.leeway) throw new TokenBackendError(undefined, 'expired');
    if (typeof nbf === 'number' && nbf > now + this.options.leeway) throw new TokenBackendError(undefined, 'claims');
  }
}
