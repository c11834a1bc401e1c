import { scrypt, type ScryptOptions } from 'node:crypto';
import { bytesEqual } from './compare.js';
import { decodeBase64, parseIntField, passwordBytes } from './encoding.js';
import type { PasswordHasher } from './hasher.js';
import { makeSalt, saltTooShort } from './random.js';

/** scrypt cost parameters: `n` work factor (a power of two), `r` block size, `p` parallelism. */
export interface ScryptParams {
  readonly n: number;
  readonly r: number;
  readonly p: number;
}

/** Django 4.0+'s ScryptPasswordHasher parameters. */
export const SCRYPT_DEFAULTS: Readonly<ScryptParams> = Object.freeze({ n: 2 ** 14, r: 8, p: 1 });

const ALGORITHM = 'scrypt';
// Django always derives 64 bytes.
const KEY_LENGTH = 64;
// A corrupt stored value must not make us allocate unbounded memory. (Django
// itself passes maxmem=0, i.e. OpenSSL's 32 MiB cap.)
const MAX_MEMORY_BYTES = 1024 ** 3;

/** Bytes OpenSSL needs for these parameters (its EVP_PBE_scrypt formula), with a little headroom. */
function memoryFor({ n, r, p }: ScryptParams): number {
  return 128 * r * (n + p + 2) + 64 * 1024;
}

function validParams(params: ScryptParams): boolean {
  const { n, r, p } = params;
  const powerOfTwo = Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
  return powerOfTwo && Number.isInteger(r) && r >= 1 && Number.isInteger(p) && p >= 1 && r * p < 2 ** 30 && memoryFor(params) <= MAX_MEMORY_BYTES;
}

// Async only: scryptSync would stall the event loop for the whole derivation.
function derive(password: Buffer, salt: string, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.n, r: params.r, p: params.p, maxmem: memoryFor(params) };
  return new Promise((resolve, reject) => {
    scrypt(password, Buffer.from(salt, 'utf8'), KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

interface Decoded extends ScryptParams {
  readonly salt: string;
  readonly hash: Buffer;
}

// Django's layout is `scrypt$<n>$<salt>$<r>$<p>$<base64 hash>`: n comes before the salt.
function decode(encoded: string): Decoded | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== ALGORITHM) return null;
  const [, nText = '', salt = '', rText = '', pText = '', hashText = ''] = parts;
  const n = parseIntField(nText, 2, 2 ** 32);
  const r = parseIntField(rText, 1, 2 ** 30);
  const p = parseIntField(pText, 1, 2 ** 30);
  const hash = decodeBase64(hashText, true);
  if (n === null || r === null || p === null || salt.length === 0 || hash === null || hash.length !== KEY_LENGTH) return null;
  if (!validParams({ n, r, p })) return null;
  return { n, r, p, salt, hash };
}

/** Create the Django 4.0+ `scrypt` hasher; new hashes use `params` (defaults SCRYPT_DEFAULTS). */
export function createScryptHasher(params: Partial<ScryptParams> = {}): PasswordHasher {
  const current: ScryptParams = { ...SCRYPT_DEFAULTS, ...params };
  if (!validParams(current)) throw new RangeError('scrypt: n must be a power of two > 1, r and p positive, memory <= 1 GiB');

  return {
    algorithm: ALGORITHM,
    async encode(password) {
      const bytes = passwordBytes(password);
      if (bytes === null) throw new TypeError('password must be a well-formed string');
      const salt = makeSalt();
      const hash = await derive(bytes, salt, current);
      return `${ALGORITHM}$${current.n}$${salt}$${current.r}$${current.p}$${hash.toString('base64')}`;
    },
    async verify(password, encoded) {
      const decoded = decode(encoded);
      const bytes = passwordBytes(password);
      if (decoded === null || bytes === null) return false;
      try {
        return bytesEqual(await derive(bytes, decoded.salt, decoded), decoded.hash);
      } catch {
        return false;
      }
    },
    mustUpdate(encoded) {
      const decoded = decode(encoded);
      // Weaker means any cost below ours, or a salt too short for 128 bits.
      return (
        decoded === null ||
        decoded.n < current.n ||
        decoded.r < current.r ||
        decoded.p < current.p ||
        saltTooShort(decoded.salt.length)
      );
    },
  };
}
