import { randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';

/**
 * Refresh tokens like `sample` (same header and claims, signed with the same HMAC key) but each
 * with a jti of its own, made in microseconds instead of a login's password hash, so the load on
 * refresh and blacklist never runs out of tokens no one has presented yet.
 */
export function refreshTokenMinter(sample: string, key: string): () => string {
  const [headerPart, payloadPart] = sample.split('.');
  const header = JSON.parse(Buffer.from(headerPart!, 'base64url').toString()) as Record<string, unknown>;
  const claims = JSON.parse(Buffer.from(payloadPart!, 'base64url').toString()) as Record<string, unknown>;
  const sign = createSigner({ key, algorithm: 'HS256', header: { ...header, alg: 'HS256' }, noTimestamp: true });
  return () => sign({ ...claims, jti: randomUUID().replaceAll('-', '') });
}
