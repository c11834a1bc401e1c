import { performance } from 'node:perf_hooks';
import { JwtCodec } from '../src/crypto/index.js';
import { DEFAULT_SETTINGS } from '../src/settings/index.js';
import { AccessToken, type TokenContext } from '../src/tokens/index.js';

/** Synchronous ops per second of `work`, run for about `ms` milliseconds after a warm-up. */
function opsPerSecond(work: () => void, ms = 1000): number {
  for (let i = 0; i < 2000; i++) work();
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 500; i++) work();
    count += 500;
  }
  return Math.round(count / ((performance.now() - start) / 1000));
}

/**
 * tessera's in-process access-token check (decode, signature, exp, type) against raw fast-jwt on
 * the same token. AccessToken.fromString is async; its work is synchronous, so the codec path is
 * what is compared here.
 */
export function measureVerification(
  key: string,
  token: string,
  createVerifier: typeof import('fast-jwt').createVerifier,
): { tesseraPerSecond: number; fastJwtPerSecond: number; ratio: number } {
  const raw = createVerifier({ key, algorithms: ['HS256'] });
  const codec = new JwtCodec({ algorithm: 'HS256', signingKey: key, audience: null, issuer: null, leeway: 0, clock: Date.now });
  const context: TokenContext = { settings: DEFAULT_SETTINGS, codec, clock: Date.now, blacklist: null };
  const fastJwtPerSecond = opsPerSecond(() => raw(token));
  const tesseraPerSecond = opsPerSecond(() => {
    const token_ = new AccessToken(context, { token, payload: codec.decode(token) });
    token_.checkExp();
    token_.verifyTokenType();
  });
  return { tesseraPerSecond, fastJwtPerSecond, ratio: Number((tesseraPerSecond / fastJwtPerSecond).toFixed(3)) };
}
