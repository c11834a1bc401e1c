import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2, scrypt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { hash as argon2Hash, type Algorithm } from '@node-rs/argon2';
import {
  ARGON2_DEFAULTS,
  UNUSABLE_PASSWORD_PREFIX,
  createPasswordHashers,
  isUsablePassword,
  makeUnusablePassword,
} from '../../src/crypto/passwords/index.js';
import { createBcryptHasher } from '../../src/crypto/passwords/bcrypt.js';
import { createMd5Hasher } from '../../src/crypto/passwords/md5.js';
import { createPbkdf2Hasher } from '../../src/crypto/passwords/pbkdf2.js';
import { createScryptHasher } from '../../src/crypto/passwords/scrypt.js';

interface Vector {
  readonly algorithm: string;
  readonly password: string;
  readonly encoded: string;
}

// Made by Django 3.2 itself (copied from ../shared/vectors so the suite runs wherever it is cloned).
const VECTORS_URL = new URL('../fixtures/django-3.2.25-vectors.json', import.meta.url);

async function loadVectors(): Promise<{ vectors: Vector[]; error?: string }> {
  try {
    const parsed: unknown = JSON.parse(await readFile(VECTORS_URL, 'utf8'));
    const vectors = (parsed as { vectors?: unknown }).vectors;
    if (!Array.isArray(vectors)) return { vectors: [], error: `${fileURLToPath(VECTORS_URL)} has no "vectors" array` };
    return { vectors: vectors as Vector[] };
  } catch (err) {
    return { vectors: [], error: `cannot read Django vectors at ${fileURLToPath(VECTORS_URL)}: ${String(err)}` };
  }
}

const { vectors, error: vectorsError } = await loadVectors();
const hashers = createPasswordHashers();

const FRESH_HASH = /^argon2\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]{43}$/;
const ARGON2ID: Algorithm = 2;
const ARGON2I: Algorithm = 1;

/** Expected mustUpdate for a Django vector: only argon2id at or above our floor (m, t) is current. */
function expectedMustUpdate(vector: Vector): boolean {
  if (vector.algorithm !== 'argon2') return true;
  const match = /^argon2\$(argon2\w+)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(vector.encoded);
  assert.ok(match, `unexpected argon2 vector shape: ${vector.encoded}`);
  const [, variant, version, m, t] = match;
  return variant !== 'argon2id' || Number(version) < 19 || Number(m) < ARGON2_DEFAULTS.memoryCost || Number(t) < ARGON2_DEFAULTS.timeCost;
}

function djangoScrypt(password: string, salt: string, n: number, r: number, p: number): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), 64, { N: n, r, p }, (err, key) =>
      err ? reject(err) : resolve(`scrypt$${n}$${salt}$${r}$${p}$${key.toString('base64')}`),
    );
  });
}

describe('Django 3.2.25 vectors', () => {
  test('the vectors file is present and covers every algorithm', () => {
    assert.equal(vectorsError, undefined, vectorsError);
    assert.equal(vectors.length, 12);
    assert.deepEqual(
      [...new Set(vectors.map((v) => v.algorithm))].sort(),
      ['argon2', 'bcrypt', 'bcrypt_sha256', 'md5', 'pbkdf2_sha1', 'pbkdf2_sha256'],
    );
  });

  for (const vector of vectors) {
    test(`${vector.algorithm} / ${JSON.stringify(vector.password)}`, async () => {
      const good = await hashers.verify(vector.password, vector.encoded);
      assert.deepEqual(good, { valid: true, mustUpdate: expectedMustUpdate(vector) });
      for (const wrong of [vector.password + 'x', vector.password.slice(0, -1), '', vector.password.toUpperCase()]) {
        assert.deepEqual(await hashers.verify(wrong, vector.encoded), { valid: false, mustUpdate: false }, `wrong password ${JSON.stringify(wrong)}`);
      }
    });
  }

  test('mustUpdate is false only for the argon2 vectors (their m=102400,t=2 meets the floor)', () => {
    const current = vectors.filter((v) => !expectedMustUpdate(v)).map((v) => v.algorithm);
    assert.deepEqual(current, ['argon2', 'argon2']);
  });

  test('a tampered vector fails', async () => {
    const vector = vectors.find((v) => v.algorithm === 'pbkdf2_sha256');
    assert.ok(vector);
    const tampered = vector.encoded.replace('$260000$', '$260001$');
    assert.equal((await hashers.verify(vector.password, tampered)).valid, false);
  });
});

describe('new hashes', () => {
  test('are argon2id v=19 m=19456,t=2,p=1 in Django format and verify', async () => {
    const encoded = await hashers.hash('correct horse battery staple');
    assert.match(encoded, FRESH_HASH);
    assert.deepEqual(await hashers.verify('correct horse battery staple', encoded), { valid: true, mustUpdate: false });
    assert.deepEqual(await hashers.verify('correct horse battery stapl', encoded), { valid: false, mustUpdate: false });
  });

  test('use a different salt on every call', async () => {
    const [a, b] = await Promise.all([hashers.hash('same'), hashers.hash('same')]);
    const salt = (encoded: string): string | undefined => encoded.split('$')[4];
    assert.notEqual(a, b);
    assert.notEqual(salt(a), salt(b));
    // Django-style salt: 22 alphanumerics (128 bits), stored as unpadded base64.
    assert.match(Buffer.from(salt(a) ?? '', 'base64').toString('latin1'), /^[A-Za-z0-9]{22}$/);
  });

  test('handle any unicode password as UTF-8', async () => {
    for (const password of ['pässwörd-🔑', '密码', 'ñ\u0000tab\there', ' ']) {
      const encoded = await hashers.hash(password);
      assert.equal((await hashers.verify(password, encoded)).valid, true, password);
    }
    // NFC and NFD spell "é" differently and are different passwords, as in Django.
    const nfc = await hashers.hash('caf\u00e9');
    assert.equal((await hashers.verify('cafe\u0301', nfc)).valid, false);
  });

  test('refuse passwords with lone surrogates (no UTF-8 form) instead of collapsing them', async () => {
    await assert.rejects(hashers.hash('a\ud800'), TypeError);
    const encoded = await hashers.hash('a\ufffd');
    assert.equal((await hashers.verify('a\ud800', encoded)).valid, false);
  });
});

describe('malformed or unusable stored values', () => {
  const malformed = [
    '',
    'pbkdf2_sha256$abc',
    'argon2$garbage',
    'bcrypt$$notahash',
    'nope$1$2$3',
    '!xyz',
    '$',
    'argon2',
    'pbkdf2_sha256$0260000$seasaltseasaltseasalt1$GG5Lg+LxrHpjn9sFUYD/AssnXN9J/YvQDVfRqcEna8Y=',
    'pbkdf2_sha256$260000$$GG5Lg+LxrHpjn9sFUYD/AssnXN9J/YvQDVfRqcEna8Y=',
    'pbkdf2_sha256$260000$salt$GG5Lg+LxrHpjn9sFUYD/AssnXN9J/YvQDVfRqcEna8Y',
    'pbkdf2_sha256$99999999999$salt$GG5Lg+LxrHpjn9sFUYD/AssnXN9J/YvQDVfRqcEna8Y=',
    'argon2$argon2id$v=19$m=0,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo',
    'argon2$argon2id$v=99$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo',
    'bcrypt_sha256$2b$12$A7Bg4YxsH3eweX9QKlTERu3O9YolPgrOc3SWW.gZIP/tUgoUWhxkC',
    'scrypt$16383$salt$8$1$' + 'A'.repeat(86) + '==',
    'scrypt$salt$16384$8$1$' + 'A'.repeat(86) + '==',
    'md5$$3bd87ecc64757e93a1e426d944bc41a4',
    'md5$salt$3BD87ECC64757E93A1E426D944BC41A4',
    '__proto__$x',
    'constructor$x',
  ];

  for (const encoded of malformed) {
    test(`${JSON.stringify(encoded.slice(0, 60))} is valid:false`, async () => {
      assert.deepEqual(await hashers.verify('correct horse battery staple', encoded), { valid: false, mustUpdate: false });
    });
  }

  test('missing values and non-string passwords are valid:false', async () => {
    const encoded = await hashers.hash('pw');
    assert.deepEqual(await hashers.verify('pw', null), { valid: false, mustUpdate: false });
    assert.deepEqual(await hashers.verify('pw', undefined), { valid: false, mustUpdate: false });
    assert.deepEqual(await hashers.verify(null as unknown as string, encoded), { valid: false, mustUpdate: false });
    assert.deepEqual(await hashers.verify(123 as unknown as string, encoded), { valid: false, mustUpdate: false });
  });

  test('makeUnusablePassword gives `!` + 40 random alphanumerics that never verify', async () => {
    const a = makeUnusablePassword();
    const b = makeUnusablePassword();
    assert.equal(UNUSABLE_PASSWORD_PREFIX, '!');
    assert.match(a, /^![A-Za-z0-9]{40}$/);
    assert.notEqual(a, b);
    assert.equal(isUsablePassword(a), false);
    assert.equal(isUsablePassword(null), false);
    assert.equal(isUsablePassword(await hashers.hash('x')), true);
    assert.deepEqual(await hashers.verify(a.slice(1), a), { valid: false, mustUpdate: false });
    // An argon2 hash behind the `!` is still unusable: the prefix wins.
    const disabled = UNUSABLE_PASSWORD_PREFIX + (await hashers.hash('pw'));
    assert.deepEqual(await hashers.verify('pw', disabled), { valid: false, mustUpdate: false });
  });
});

describe('argon2 mustUpdate', () => {
  const argon2 = async (algorithm: Algorithm, memoryCost: number, timeCost: number, parallelism: number): Promise<string> =>
    'argon2' + (await argon2Hash('pw', { algorithm, memoryCost, timeCost, parallelism, salt: Buffer.from('seasaltseasaltseasalt1') }));

  test('is true below the memory or time floor, or for argon2i', async () => {
    for (const encoded of [await argon2(ARGON2ID, 8192, 2, 1), await argon2(ARGON2ID, 19456, 1, 1), await argon2(ARGON2I, 19456, 2, 1)]) {
      assert.deepEqual(await hashers.verify('pw', encoded), { valid: true, mustUpdate: true }, encoded);
    }
  });

  test('is false at or above the floor, including more lanes', async () => {
    for (const encoded of [await argon2(ARGON2ID, 19456, 2, 1), await argon2(ARGON2ID, 32768, 3, 4)]) {
      assert.deepEqual(await hashers.verify('pw', encoded), { valid: true, mustUpdate: false }, encoded);
    }
  });

  test('is true for a legacy (Django < 1.10) hash without v=, which still verifies', async () => {
    const legacy = 'argon2' + (await argon2Hash('pw', { algorithm: ARGON2I, version: 0, memoryCost: 19456, timeCost: 2, salt: Buffer.from('seasaltseasaltseasalt1') }));
    const withoutVersion = legacy.replace('$v=16$', '$');
    assert.notEqual(withoutVersion, legacy);
    assert.deepEqual(await hashers.verify('pw', withoutVersion), { valid: true, mustUpdate: true });
    assert.deepEqual(await hashers.verify('px', withoutVersion), { valid: false, mustUpdate: false });
  });

  test('follows stronger configured costs, and weaker ones are refused', async () => {
    const stronger = createPasswordHashers({ argon2: { memoryCost: 32768 } });
    assert.match(await stronger.hash('pw'), /^argon2\$argon2id\$v=19\$m=32768,t=2,p=1\$/);
    assert.deepEqual(await stronger.verify('pw', await hashers.hash('pw')), { valid: true, mustUpdate: true });
    assert.throws(() => createPasswordHashers({ argon2: { memoryCost: 4096 } }), RangeError);
    assert.throws(() => createPasswordHashers({ argon2: { timeCost: 1 } }), RangeError);
  });
});

describe('scrypt (Django 4.0+)', () => {
  test("Django's own test-suite vector verifies (n before salt: scrypt$n$salt$r$p$hash)", async () => {
    const encoded = 'scrypt$16384$seasalt$8$1$Qj3+9PPyRjSJIebHnG81TMjsqtaIGxNQG/aEB/NYafTJ7tibgfYz71m0ldQESkXFRkdVCBhhY8mx7rQwite/Pw==';
    assert.equal(await djangoScrypt('lètmein', 'seasalt', 2 ** 14, 8, 1), encoded);
    assert.deepEqual(await hashers.verify('lètmein', encoded), { valid: true, mustUpdate: true });
    assert.deepEqual(await hashers.verify('letmein', encoded), { valid: false, mustUpdate: false });
  });

  test('a hash computed the way Django 4 does verifies', async () => {
    const encoded = await djangoScrypt('pässwörd-🔑', 'seasaltseasaltseasalt1', 2 ** 14, 8, 1);
    assert.deepEqual(await hashers.verify('pässwörd-🔑', encoded), { valid: true, mustUpdate: true });
    assert.deepEqual(await hashers.verify('password', encoded), { valid: false, mustUpdate: false });
  });

  test('our encoder writes exactly what Django would for the same salt', async () => {
    const scryptHasher = createScryptHasher();
    const encoded = await scryptHasher.encode('pässwörd-🔑');
    const [, n, salt = '', r, p] = encoded.split('$');
    assert.equal(n, '16384');
    assert.equal(r, '8');
    assert.equal(p, '1');
    assert.match(salt, /^[A-Za-z0-9]{22}$/);
    assert.equal(encoded, await djangoScrypt('pässwörd-🔑', salt, 2 ** 14, 8, 1));
    assert.equal(await scryptHasher.verify('pässwörd-🔑', encoded), true);
    assert.equal(scryptHasher.mustUpdate(encoded), false);
  });
});

describe('other encoders round-trip in Django format', () => {
  test('pbkdf2_sha256 and pbkdf2_sha1 match a direct PBKDF2 computation', async () => {
    for (const [algorithm, digest, length] of [['pbkdf2_sha256', 'sha256', 32], ['pbkdf2_sha1', 'sha1', 20]] as const) {
      const hasher = createPbkdf2Hasher(algorithm, { iterations: 1000 });
      const encoded = await hasher.encode('pässwörd-🔑');
      const [, iterations, salt = ''] = encoded.split('$');
      assert.equal(iterations, '1000');
      const key = await new Promise<Buffer>((resolve, reject) =>
        pbkdf2(Buffer.from('pässwörd-🔑'), Buffer.from(salt), 1000, length, digest, (err, k) => (err ? reject(err) : resolve(k))),
      );
      assert.equal(encoded, `${algorithm}$1000$${salt}$${key.toString('base64')}`);
      assert.deepEqual(await hashers.verify('pässwörd-🔑', encoded), { valid: true, mustUpdate: true });
      // Fewer iterations than the hasher's current count is weaker.
      assert.equal(createPbkdf2Hasher(algorithm).mustUpdate(encoded), true);
      assert.equal(hasher.mustUpdate(encoded), false);
    }
  });

  test('bcrypt_sha256 and bcrypt produce `<algorithm>$$2b$...` and verify', async () => {
    for (const algorithm of ['bcrypt_sha256', 'bcrypt'] as const) {
      const hasher = createBcryptHasher(algorithm, { rounds: 4 });
      const encoded = await hasher.encode('pässwörd-🔑');
      assert.match(encoded, new RegExp(`^${algorithm}\\$\\$2b\\$04\\$[./A-Za-z0-9]{53}$`));
      assert.deepEqual(await hashers.verify('pässwörd-🔑', encoded), { valid: true, mustUpdate: true });
      assert.equal(hasher.mustUpdate(encoded), false);
      assert.equal(createBcryptHasher(algorithm).mustUpdate(encoded), true);
    }
  });

  test('bcrypt_sha256 is not truncated at 72 bytes; plain bcrypt is (as in Django)', async () => {
    const long = 'a'.repeat(72);
    const sha = await createBcryptHasher('bcrypt_sha256', { rounds: 4 }).encode(long + 'x');
    const plain = await createBcryptHasher('bcrypt', { rounds: 4 }).encode(long + 'x');
    assert.equal((await hashers.verify(long + 'y', sha)).valid, false);
    assert.equal((await hashers.verify(long + 'y', plain)).valid, true);
  });

  test('md5 never produces hashes and always asks for an update', async () => {
    const md5 = createMd5Hasher();
    await assert.rejects(md5.encode('pw'));
    assert.equal(md5.mustUpdate('md5$seasaltseasaltseasalt1$3bd87ecc64757e93a1e426d944bc41a4'), true);
  });
});

describe('event loop', () => {
  test('argon2 hashing runs off the main thread: timers fire while it is in flight', async () => {
    let ticks = 0;
    let running = true;
    const spin = (): void => {
      if (!running) return;
      ticks++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(running), 0));
    // A blocking hash would finish before any callback could run, leaving ticks at 0.
    await hashers.hash('correct horse battery staple');
    const ticksDuringHash = ticks;
    running = false;
    assert.ok(ticksDuringHash > 0, 'no setImmediate callback ran while hashing');
    assert.equal(await timer, true, 'the 0 ms timer only fired after hashing finished');
  });

  test('verification runs off the main thread too', async () => {
    const encoded = await hashers.hash('pw');
    let fired = false;
    setImmediate(() => {
      fired = true;
    });
    const result = await hashers.verify('pw', encoded);
    assert.equal(result.valid, true);
    assert.equal(fired, true);
  });
});

describe('dummy verification for unknown users', () => {
  test('uses a cached argon2 hash with the preferred parameters', async () => {
    const first = await hashers.dummyHash();
    assert.match(first, FRESH_HASH);
    assert.equal(await hashers.dummyHash(), first);
    assert.equal(hashers.preferred.mustUpdate(first), false);
  });

  test('runs the preferred (argon2) verify against the dummy hash and answers false', async () => {
    const local = createPasswordHashers();
    const dummy = await local.dummyHash();
    const realVerify = local.preferred.verify.bind(local.preferred);
    const calls: Array<{ password: string; encoded: string; result: boolean }> = [];
    // The registry calls through this same object, so the spy sees its calls.
    (local.preferred as { verify: typeof realVerify }).verify = async (password, encoded) => {
      const result = await realVerify(password, encoded);
      calls.push({ password, encoded, result });
      return result;
    };
    assert.equal(local.preferred.algorithm, 'argon2');
    assert.equal(await local.verifyAgainstDummy('guess'), false);
    assert.equal(await local.verifyAgainstDummy('guess'), false);
    assert.deepEqual(calls, [
      { password: 'guess', encoded: dummy, result: false },
      { password: 'guess', encoded: dummy, result: false },
    ]);
  });

  test('never rejects, even for odd input', async () => {
    assert.equal(await hashers.verifyAgainstDummy('a\ud800'), false);
    assert.equal(await hashers.verifyAgainstDummy(undefined as unknown as string), false);
  });
});
