import { performance } from 'node:perf_hooks';
import { JwtCodec } from '../src/crypto/index.js';
import { DEFAULT_SETTINGS } from '../src/settings/index.js';
import { AccessToken, type TokenContext } from '../src/tokens/index.js';

/** Operations `work` completes in about `ms` milliseconds, and the milliseconds they took. */
function timed(work: () => void, ms: number): { count: number; elapsed: number } {
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 500; i++) work();
    count += 500;
  }
  return { count, elapsed: performance.now() - start };
}

/**
 * Synchronous ops per second of `a` and of `b`, measured in alternating slices after a warm-up,
 * so a neighbour loading the machine for a moment slows both alike.
 */
function opsPerSecond(a: () => void, b: () => void, rounds = 10, sliceMs = 100): [number, number] {
  for (let i = 0; i < 2000; i++) { a(); b(); }
  const totals = [{ count: 0, elapsed: 0 }, { count: 0, elapsed: 0 }];
  for (let round = 0; round < rounds; round++) {
    [a, b].forEach((work, i) => {
      const { count, elapsed } = timed(work, sliceMs);
      totals[i]!.count += count;
      totals[i]!.elapsed += elapsed;
    });
  }
  const [x, y] = totals.map(({ count, elapsed }) => Math.round(count / (elapsed / 1000)));
  return [x!, y!];
}

/**
 * tessera's in-process access-token check (decode, signature, exp, type) against raw fast-jwt on
 * the same token. AccessToken.fromString is async; its work is synchronous, so the codec path is
 * what is compared here. Both without their memory of verified tokens (each check does the
 * signature work: the ratio that counts), then both with it (fast-jwt's `cache: true`, tessera's
 * default), which is what a client presenting the same token again gets.
 */
export function measureVerification(
  key: string,
  token: string,
  createVerifier: typeof import('fast-jwt').createVerifier,
): Verification {
  const check = (codec: JwtCodec) => {
    const context: TokenContext = { settings: DEFAULT_SETTINGS, codec, clock: Date.now, blacklist: null };
    return () => {
      const token_ = new AccessToken(context, { token, payload: codec.decode(token) });
      token_.checkExp();
      token_.verifyTokenType();
    };
  };
  const codec = (verifiedTokenCache?: number) => new JwtCodec({
    algorithm: 'HS256', signingKey: key, audience: null, issuer: null, leeway: 0, clock: Date.now,
    ...(verifiedTokenCache === undefined ? {} : { verifiedTokenCache }),
  });
  const raw = createVerifier({ key, algorithms: ['HS256'] });
  const rawCached = createVerifier({ key, algorithms: ['HS256'], cache: true });
  const [tesseraPerSecond, fastJwtPerSecond] = opsPerSecond(check(codec(0)), () => raw(token));
  const [tesseraCachedPerSecond, fastJwtCachedPerSecond] = opsPerSecond(check(codec()), () => rawCached(token));
  const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
  return {
    tesseraPerSecond, fastJwtPerSecond, ratio: ratio(tesseraPerSecond, fastJwtPerSecond),
    tesseraCachedPerSecond, fastJwtCachedPerSecond, cachedRatio: ratio(tesseraCachedPerSecond, fastJwtCachedPerSecond),
  };
}

export interface Verification {
  /** Every check verifies the signature. */
  tesseraPerSecond: number;
  fastJwtPerSecond: number;
  ratio: number;
  /** The same token again, each with its memory of verified tokens. */
  tesseraCachedPerSecond: number;
  fastJwtCachedPerSecond: number;
  cachedRatio: number;
}
