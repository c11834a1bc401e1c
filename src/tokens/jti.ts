import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KB at a time: one call into the CSPRNG per 256 ids. */
const pool = Buffer.allocUnsafe(16 * 256);
let offset = pool.length;

/**
 * A new `jti`: 32 hex digits, as Simple JWT's `uuid4().hex`, laid out as a UUIDv7 (RFC 9562): the
 * first 48 bits are the time in milliseconds, the other 74 of 80 random bits.
 *
 * Time first, because every refresh token's jti goes into a unique index (the outstanding table's):
 * random ids land on a random index page each, so every write transaction dirtied one page per
 * token, all rewritten to the WAL and checkpointed later. Ids in time order are appended to the
 * same few pages. Measured on SQLite, 12 rotations a commit: commit time per rotation 42-47 ->
 * 25 us. A jti only has to be unique; it is not a secret (the token carries it, and `iat`, in clear).
 */
export function newJti(now: number = Date.now()): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.subarray(offset, (offset += 16));
  id.writeUIntBE(now, 0, 6);
  id[6] = (id[6]! & 0x0f) | 0x70; // version 7
  id[8] = (id[8]! & 0x3f) | 0x80; // RFC 9562 variant
  return id.toString('hex');
}
