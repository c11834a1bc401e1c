import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createSigner, createVerifier as createFastJwtVerifier } from 'fast-jwt';
import { createVerifier } from '../src/verify/index.js';

/** Distinct tokens cycled through, more than the verifier remembers (1,000), so each check does the signature work. */
const TOKENS = 4000;

/**
 * Calls of `work` completed in about `ms` milliseconds, each awaited when it answers a promise,
 * and the CPU milliseconds they took: on a shared machine a neighbour takes wall time from both
 * sides unevenly, CPU time much less so.
 */
async function timed(work: () => unknown, ms: number): Promise<{ count: number; elapsed: number }> {
  let count = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 200; i++) {
      const result = work();
      if (result instanceof Promise) await result;
    }
    count += 200;
  }
  const used = process.cpuUsage(cpu);
  return { count, elapsed: (used.user + used.system) / 1000 };
}

/** Ops per CPU second of `a` and `b`, in alternating slices after a warm-up (as bench/verification.ts). */
async function opsPerSecond(a: () => unknown, b: () => unknown, rounds = 40, sliceMs = 50): Promise<[number, number]> {
  await timed(a, 200);
  await timed(b, 200);
  const totals = [{ count: 0, elapsed: 0 }, { count: 0, elapsed: 0 }];
  for (let round = 0; round < rounds; round++) {
    // Each goes first every other round: the slice after a switch runs colder.
    for (const i of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const { count, elapsed } = await timed(i === 0 ? a : b, sliceMs);
      totals[i]!.count += count;
      totals[i]!.elapsed += elapsed;
    }
  }
  const [x, y] = totals.map(({ count, elapsed }) => Math.round(count / (elapsed / 1000)));
  return [x!, y!];
}

/**
 * `tessera/verify` in process against raw fast-jwt on the same ES256 tokens: the verifier with its
 * JWKS and revocation feed loaded from a local issuer (so each check also asks the feed's memory),
 * awaited as a service awaits it; fast-jwt called synchronously with the public key. First every
 * check verifies a signature (tokens cycled past both caches), then the same token again with
 * each one's memory of verified tokens (fast-jwt's `cache: true`). Goal: at least 0.9.
 */
export async function measureRemoteVerification(): Promise<RemoteVerification> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' };
  const issuer = createServer((request, response) => {
    const body = request.url?.startsWith('/.well-known/jwks.json') ? { keys: [jwk] } : { cursor: '0', sessions: [], cutoffs: [] };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
  const verifier = createVerifier({
    issuerUrl: `http://127.0.0.1:${(issuer.address() as { port: number }).port}`,
    revocationsToken: 'bench-revocation-feed-secret-0123456789', algorithms: ['ES256'], pollInterval: 60_000,
  });
  try {
    await verifier.ready();
    const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256', kid: 'bench' });
    const iat = Math.floor(Date.now() / 1000);
    const tokens = Array.from({ length: TOKENS }, (_, i) => sign({ token_type: 'access', exp: iat + 3600, iat, jti: `bench-${i}`, user_id: 1, fam: 'bench' }));
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const raw = createFastJwtVerifier({ key: publicPem, algorithms: ['ES256'] });
    const rawCached = createFastJwtVerifier({ key: publicPem, algorithms: ['ES256'], cache: true });
    let a = 0;
    let b = 0;
    const [verifyPerSecond, fastJwtPerSecond] = await opsPerSecond(() => verifier.verify(tokens[a++ % TOKENS]!), () => raw(tokens[b++ % TOKENS]!));
    const [verifyCachedPerSecond, fastJwtCachedPerSecond] = await opsPerSecond(() => verifier.verify(tokens[0]!), () => rawCached(tokens[0]!));
    const ratio = (x: number, y: number) => Number((x / y).toFixed(3));
    return {
      verifyPerSecond, fastJwtPerSecond, ratio: ratio(verifyPerSecond, fastJwtPerSecond),
      verifyCachedPerSecond, fastJwtCachedPerSecond, cachedRatio: ratio(verifyCachedPerSecond, fastJwtCachedPerSecond),
    };
  } finally {
    verifier.close();
    await new Promise((resolve) => issuer.close(resolve));
  }
}

export interface RemoteVerification {
  /** Every check verifies the signature. */
  verifyPerSecond: number;
  fastJwtPerSecond: number;
  ratio: number;
  /** The same token again, each with its memory of verified tokens. */
  verifyCachedPerSecond: number;
  fastJwtCachedPerSecond: number;
  cachedRatio: number;
}
