import { JwtCodec, RemoteJwks, TokenBackendError, isAsymmetricAlgorithm, type Claims } from '../crypto/index.js';
import { InvalidToken } from '../errors.js';
import { ASYMMETRIC_ALGORITHMS, systemClock, type AsymmetricAlgorithm, type Clock } from '../settings/index.js';
import { RevocationFeed } from './revocation-feed.js';

/** Where tessera is: its base URL, or the JWKS URL itself (then the feed needs `revocationsUrl`). */
export type VerifierSource =
  | { /** tessera's base URL: the JWKS at `/.well-known/jwks.json`, the feed at `/api/token/revocations/`. */ issuerUrl: string; jwksUrl?: string }
  | { issuerUrl?: string; /** The JWKS URL, when it is not under `issuerUrl`. */ jwksUrl: string };

export type VerifierOptions = VerifierSource & {
  /** The feed of ended sessions and cut-offs; default `issuerUrl`'s `/api/token/revocations/`. */
  revocationsUrl?: string;
  /**
   * tessera's `revocationFeedToken`. Without it no feed is read, and a token of an ended session
   * or from before a password change verifies until it expires, as with any other JWT library.
   */
  revocationsToken?: string;
  /** The algorithms a key may be pinned to (default every asymmetric one); HMAC and `none` are refused. */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** Required `aud`, as tessera's `audience` setting. */
  audience?: string;
  /** Required `iss`, as tessera's `issuer` setting. */
  issuer?: string;
  /** Seconds of clock skew allowed on `exp` and `nbf`, as tessera's `leeway` (default 0). */
  leeway?: number;
  /** Milliseconds a JWKS answer is trusted: a key removed upstream stops verifying within this time (default 5 min). */
  cacheTtl?: number;
  /** Least milliseconds between two JWKS fetches for unknown `kid`s (default 60 s). */
  cooldown?: number;
  /** Milliseconds between two polls of the feed: how soon a logout is honoured (default 5 s). */
  pollInterval?: number;
  /** Milliseconds one request to tessera may take (default 5 s). */
  timeout?: number;
  /** Token types accepted (the `token_type` claim); default `["access"]`, as Simple JWT's `AUTH_TOKEN_CLASSES`. */
  tokenTypes?: readonly string[];
  /** Claim names, when tessera's settings change them (Simple JWT's defaults otherwise). */
  userIdClaim?: string;
  tokenTypeClaim?: string;
  jtiClaim?: string;
  /** Milliseconds since the epoch (default `Date.now`); tests move it by hand. */
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
  /** Where a JWKS or feed that cannot be read is reported (default `console`). */
  logger?: { warn(message: string): void };
};

/** A verifier for tessera's access tokens in another service. */
export interface Verifier {
  /**
   * The claims of a valid token, or a rejection with `InvalidToken` (`code: 'token_not_valid'`)
   * carrying Simple JWT's message: `Token is invalid or expired`, `Token has no id`, `Token has no
   * type`, `Token has wrong type`, `Token is blacklisted` (an ended session, or issued before its
   * user's cut-off). The first call waits for the first JWKS and feed answers.
   */
  verify(token: string): Promise<Claims>;
  /** Resolves once the JWKS and the feed were asked once (answered or not). */
  ready(): Promise<void>;
  /** Polls the feed now, beside the regular polls; resolves when its answer is applied. */
  pollRevocations(): Promise<void>;
  /** Stops polling (timers never keep the process alive either way). */
  close(): void;
}

/** tessera's session claim (`FAMILY_CLAIM` in src/tokens/context.ts). */
const FAMILY_CLAIM = 'fam';
const BLACKLISTED = 'Token is blacklisted';

/**
 * Verifies tessera's access tokens without its database: signatures against the published JWKS
 * (each key pinned to its JWK's `alg`, cached for `cacheTtl`, refetched for an unknown `kid` at
 * most once per `cooldown`), Simple JWT's claim checks, and the logouts tessera publishes,
 * polled every `pollInterval`.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const clock = options.clock ?? systemClock;
  const fetch = options.fetch ?? globalThis.fetch;
  const logger = options.logger ?? console;
  const timeoutMs = options.timeout ?? 5000;
  const algorithms = allowedAlgorithms(options.algorithms);
  const base = options.issuerUrl === undefined ? null : new URL(options.issuerUrl.endsWith('/') ? options.issuerUrl : `${options.issuerUrl}/`);
  const jwksUrl = options.jwksUrl ?? (base ? new URL('.well-known/jwks.json', base).href : null);
  if (!jwksUrl) throw new TypeError('createVerifier needs issuerUrl or jwksUrl');
  const revocationsUrl = options.revocationsUrl ?? (base ? new URL('api/token/revocations/', base).href : null);
  if (options.revocationsToken && !revocationsUrl) throw new TypeError('createVerifier needs revocationsUrl (or issuerUrl) to read revocations');
  // A malformed URL is a TypeError here, not a verifier that fails every token later.
  for (const url of [jwksUrl, revocationsUrl]) if (url !== null) new URL(url);

  const jwks = new RemoteJwks({
    url: jwksUrl, clock, algorithms, fetch, logger, timeoutMs,
    ...(options.cacheTtl !== undefined ? { ttlMs: options.cacheTtl } : {}),
    ...(options.cooldown !== undefined ? { cooldownMs: options.cooldown } : {}),
  });
  const codec = new JwtCodec({
    // Only keys from the JWKS verify: with no HMAC secret this algorithm names no key of its own.
    algorithm: algorithms[0]!,
    signingKey: '',
    keys: jwks,
    audience: options.audience ?? null,
    issuer: options.issuer ?? null,
    leeway: options.leeway ?? 0,
    clock,
  });
  const feed = options.revocationsToken && revocationsUrl
    ? new RevocationFeed({ url: revocationsUrl, token: options.revocationsToken, clock, timeoutMs, fetch, logger })
    : null;
  const tokenTypes = options.tokenTypes ?? ['access'];
  const userIdClaim = options.userIdClaim ?? 'user_id';
  const tokenTypeClaim = options.tokenTypeClaim ?? 'token_type';
  const jtiClaim = options.jtiClaim ?? 'jti';

  let started = false;
  const starting = Promise.all([jwks.refresh(), feed?.start(options.pollInterval ?? 5000)]).then(() => {
    started = true;
  });

  /** Simple JWT's `Token.__init__` and `verify()`, then tessera's revocations, in that order. */
  const check = (token: string): Claims => {
    let claims: Claims;
    try {
      claims = codec.decode(token);
    } catch (error) {
      if (error instanceof TokenBackendError) throw new InvalidToken();
      throw error;
    }
    if (!(jtiClaim in claims)) throw new InvalidToken('Token has no id');
    const type = claims[tokenTypeClaim];
    if (type === undefined) throw new InvalidToken('Token has no type');
    if (typeof type !== 'string' || !tokenTypes.includes(type)) throw new InvalidToken('Token has wrong type');
    if (feed) {
      const family = claims[FAMILY_CLAIM];
      if (typeof family === 'string' && feed.isFamilyEnded(family)) throw new InvalidToken(BLACKLISTED);
      const userId = claims[userIdClaim];
      const iat = claims.iat;
      if (typeof userId === 'number' && typeof iat === 'number' && feed.isCutOff(userId, iat)) throw new InvalidToken(BLACKLISTED);
    }
    return claims;
  };

  return {
    async verify(token) {
      if (typeof token !== 'string') throw new InvalidToken();
      if (!started) await starting;
      // An unknown kid, or a JWKS answer past its TTL: ask the issuer first (once per cooldown).
      if (codec.unknownKid(token) !== undefined) await codec.prepare(token);
      return check(token);
    },
    ready: () => starting,
    pollRevocations: async () => {
      await feed?.poll();
    },
    close: () => feed?.close(),
  };
}

/** The allow-list, checked: asymmetric algorithms only, at least one. */
function allowedAlgorithms(given: readonly AsymmetricAlgorithm[] | undefined): readonly AsymmetricAlgorithm[] {
  if (given === undefined) return ASYMMETRIC_ALGORITHMS;
  if (given.length === 0) throw new TypeError('algorithms must name at least one algorithm');
  for (const alg of given as readonly unknown[]) {
    if (!isAsymmetricAlgorithm(alg)) {
      throw new TypeError(`algorithms: ${JSON.stringify(alg)} is not allowed; keys from a JWKS verify with ${ASYMMETRIC_ALGORITHMS.join(', ')} (never HMAC, never none)`);
    }
  }
  return given;
}
