import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTessera, loadSettings, type Tessera } from '../../src/index.js';
import { isSealedPrivateKey } from '../../src/crypto/index.js';
import { SigningKeyRepository } from '../../src/store/index.js';
import { openTestCore, type TestCore } from '../support/core.js';
import { deleteKeys, eventually, randomPrefix, redisSkipReason, testRedis, TEST_REDIS_URL } from '../support/redis.js';
import { decodeJwt } from '../support/server.js';
import { totpCode } from '../support/totp.js';

const USER = { username: 'keykeeper', password: 'Ab12345678' };
const DAY = 24 * 3600;
// ES256 from the database keyring; short lifetimes keep the retirement overlap (3660 s) readable.
const KEYRING = { algorithm: 'ES256', signingKey: '', accessTokenLifetime: 300, refreshTokenLifetime: 3600 } as const;
const OVERLAP = 3600 + 60;
const FROM_TEST = { source: 'test' };

const kidOf = (token: string) => decodeJwt(token).header.kid as string;
const published = (tessera: Tessera) => tessera.keyring.published().map((jwk) => jwk.kid).sort();
const refusal = { code: 'token_not_valid' };

/** How many of `calls`, run at once, gave each answer (`null` as "null"). */
async function race<T>(calls: (() => Promise<T>)[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const answer of await Promise.all(calls.map((call) => call()))) counts[String(answer)] = (counts[String(answer)] ?? 0) + 1;
  return counts;
}

async function auditKinds(tessera: Tessera, type: 'key_generated' | 'key_rotated' | 'key_revoked' | 'keys_encrypted') {
  await tessera.audit.flush();
  return (await tessera.audit.list({ type, limit: 100, offset: 0 })).map((event) => event.detail as Record<string, unknown>).reverse();
}

describe('scheduled rotation: two tessera instances on one database rotate exactly once per interval', () => {
  let core: TestCore;
  let other: Tessera;
  before(async () => {
    core = await openTestCore({ ...KEYRING, keyRotationInterval: 30 * DAY }, 'key-schedule');
    other = core.another();
    await other.ready();
    await core.tessera.users.create({ username: USER.username, email: 'k@example.com', password: USER.password });
  });
  after(() => core.close());

  test('the next key is made once, ahead of time, published but not signing; then one rotation to it', async () => {
    const { tessera, clock } = core;
    const first = await tessera.keys.generate('ES256', FROM_TEST);
    const both = () => race([() => tessera.keys.rotateIfDue(FROM_TEST), () => other.keys.rotateIfDue(FROM_TEST), () => tessera.keys.rotateIfDue(FROM_TEST), () => other.keys.rotateIfDue(FROM_TEST)]);

    // Until the interval minus the overlap: nothing.
    clock.advance(30 * DAY - OVERLAP - 1);
    assert.deepEqual(await both(), { null: 4 });

    clock.advance(1);
    assert.deepEqual(await both(), { prepared: 1, null: 3 });
    const keys = await tessera.keys.list();
    assert.deepEqual(keys.map((key) => key.state), ['active', 'pending']);
    const next = keys[1]!.kid;
    // Each node's keyring poll (every few seconds) reads it long before it signs.
    await Promise.all([tessera.keyring.reload(), other.keyring.reload()]);
    assert.deepEqual(published(other), [first.kid, next].sort(), 'every node publishes the next key before it signs');
    assert.deepEqual(published(tessera), [first.kid, next].sort());
    assert.equal(kidOf((await tessera.tokens.obtainPair(USER)).access), first.kid, 'the pending key does not sign');

    // Due: exactly one rotation, to the key made ahead.
    clock.advance(OVERLAP - 1);
    assert.deepEqual(await both(), { null: 4 });
    const before = await tessera.tokens.obtainPair(USER);
    clock.advance(1);
    assert.deepEqual(await both(), { rotated: 1, null: 3 });
    assert.deepEqual((await tessera.keys.list()).map((key) => [key.kid, key.state]), [[first.kid, 'retiring'], [next, 'active']]);
    await other.keyring.reload();
    const after = await other.tokens.obtainPair(USER);
    assert.equal(kidOf(after.access), next);
    await other.tokens.verify(before.refresh);
    await tessera.tokens.verify(after.access);

    // The old key retires after the overlap (the refresh token is still alive, its key is not);
    // the next cycle starts from the new key's activation.
    clock.advance(3000);
    await other.tokens.verify(before.refresh);
    clock.advance(OVERLAP - 3000);
    await assert.rejects(other.tokens.verify(before.refresh), refusal);
    clock.advance(30 * DAY - 2 * OVERLAP);
    assert.deepEqual(await both(), { prepared: 1, null: 3 });

    const generated = await auditKinds(tessera, 'key_generated');
    assert.deepEqual(generated.map((detail) => [detail.source, detail.active]), [['test', true], ['test', false], ['test', false]]);
    assert.equal(generated[1]!.kid, next);
    const rotated = await auditKinds(tessera, 'key_rotated');
    assert.deepEqual(rotated, [{ kid: next, alg: 'ES256', retiring: [first.kid], source: 'test' }]);
  });

  test('a process that was down past the due time rotates at once (no pending key needed)', async () => {
    const { tessera, clock } = core;
    clock.advance(40 * DAY);
    assert.equal(await tessera.keys.rotateIfDue(FROM_TEST), 'rotated');
    assert.equal(await other.keys.rotateIfDue(FROM_TEST), null);
  });
});

describe('scheduled rotation is off by default and without a database key', () => {
  test('keyRotationInterval 0 never rotates; an interval with only the HMAC key does nothing', async () => {
    const off = await openTestCore({ ...KEYRING }, 'key-schedule-off');
    try {
      await off.tessera.keys.generate('ES256', FROM_TEST);
      off.clock.advance(1000 * DAY);
      assert.equal(await off.tessera.keys.rotateIfDue(FROM_TEST), null);
      assert.equal((await off.tessera.keys.list()).length, 1);
    } finally {
      await off.close();
    }
    const hmac = await openTestCore({ keyRotationInterval: DAY }, 'key-schedule-hmac');
    try {
      hmac.clock.advance(10 * DAY);
      assert.equal(await hmac.tessera.keys.rotateIfDue(FROM_TEST), null);
      assert.deepEqual(await hmac.tessera.keys.list(), []);
    } finally {
      await hmac.close();
    }
  });
});

describe('emergency revocation', () => {
  test('without Redis: refused at once here, on the other process at its keyring poll; a new key signs', async () => {
    const core = await openTestCore({ ...KEYRING }, 'key-revoke');
    try {
      const { tessera } = core;
      const other = core.another();
      await other.ready();
      await tessera.users.create({ username: USER.username, email: 'k@example.com', password: USER.password });
      const first = await tessera.keys.generate('ES256', FROM_TEST);
      await other.keyring.reload();
      const pair = await tessera.tokens.obtainPair(USER);
      await other.tokens.verify(pair.access);

      const { revoked, activated, changed } = await tessera.keys.revoke(first.kid, FROM_TEST);
      assert.equal(changed, true);
      assert.equal(revoked.state, 'revoked');
      assert.ok(activated && activated.kid !== first.kid && activated.state === 'active', 'a new key signs in its place');
      await assert.rejects(tessera.tokens.verify(pair.access), refusal);
      await assert.rejects(tessera.tokens.verify(pair.refresh), refusal);
      assert.deepEqual(published(tessera), [activated.kid]);

      // The other process's keyring reloads every few seconds (its poll): one reload refuses the key.
      await other.tokens.verify(pair.access);
      await other.keyring.reload();
      await assert.rejects(other.tokens.verify(pair.access), refusal);
      assert.deepEqual(published(other), [activated.kid]);
      const fresh = await other.tokens.obtainPair(USER);
      assert.equal(kidOf(fresh.access), activated.kid);
      await tessera.tokens.verify(fresh.access);

      assert.deepEqual(await auditKinds(tessera, 'key_revoked'), [{ kid: first.kid, alg: 'ES256', activated: activated.kid, source: 'test' }]);
      // Again: nothing changes, no second event.
      assert.equal((await tessera.keys.revoke(first.kid, FROM_TEST)).changed, false);
      assert.equal((await auditKinds(tessera, 'key_revoked')).length, 1);
      await assert.rejects(tessera.keys.revoke('no-such-kid', FROM_TEST), { code: 'unknown_key', message: /^no signing key has kid "no-such-kid"/ });
    } finally {
      await core.close();
    }
  });

  test('revoking a pending key leaves the signing key; revoking the signing key activates the pending one', async () => {
    const core = await openTestCore({ ...KEYRING }, 'key-revoke-pending');
    try {
      const { tessera } = core;
      const active = await tessera.keys.generate('ES256', FROM_TEST);
      const pending = await tessera.keys.generate('EdDSA', FROM_TEST);
      const spare = await tessera.keys.generate('RS256', FROM_TEST);
      assert.equal((await tessera.keys.revoke(pending.kid, FROM_TEST)).activated, null);
      assert.deepEqual((await tessera.keys.list()).map((key) => key.state), ['active', 'revoked', 'pending']);
      const { activated } = await tessera.keys.revoke(active.kid, FROM_TEST);
      assert.equal(activated?.kid, spare.kid);
      assert.deepEqual((await tessera.keys.list()).map((key) => key.state), ['revoked', 'revoked', 'active']);
    } finally {
      await core.close();
    }
  });

  test('with Redis: the other process refuses within the fan-out, without reloading by itself', async (t) => {
    const skip = await redisSkipReason();
    if (skip) return t.skip(skip);
    const prefix = randomPrefix();
    const core = await openTestCore({ ...KEYRING, redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix }, 'key-revoke-redis');
    const redis = testRedis();
    try {
      const { tessera } = core;
      const other = core.another();
      await other.ready();
      await tessera.users.create({ username: USER.username, email: 'k@example.com', password: USER.password });
      const first = await tessera.keys.generate('ES256', FROM_TEST);
      await other.keyring.reload();
      const pair = await tessera.tokens.obtainPair(USER);
      await other.tokens.verify(pair.access);
      const verifies = () => other.tokens.verify(pair.access).then(() => true, () => false);
      assert.equal(await verifies(), true);
      await tessera.keys.revoke(first.kid, FROM_TEST);
      assert.equal(await eventually(async () => !(await verifies()), 5000), true, 'refused on the other process through Redis');
      await assert.rejects(other.tokens.verify(pair.access), refusal);
      assert.equal(other.keyring.published().some((jwk) => jwk.kid === first.kid), false);
      // A process that connects later finds it in Redis too (and in the database).
      assert.ok(await redis.exists(`${prefix}revoked:key:${first.kid}`));
    } finally {
      await core.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });
});

describe('private keys encrypted at rest', () => {
  const KEK = 'kek-for-tests-0123456789abcdefghijklmnopqrstuv';
  const OTHER_KEK = 'another-kek-0123456789abcdefghijklmnopqrstuvwx';
  let core: TestCore;
  let rows: SigningKeyRepository;
  before(async () => {
    core = await openTestCore({ ...KEYRING }, 'key-encryption');
    rows = new SigningKeyRepository(core.tessera.store.database.db);
    await core.tessera.users.create({ username: USER.username, email: 'k@example.com', password: USER.password });
  });
  after(() => core.close());

  /** Another tessera on the same database with `keyEncryptionKey`. */
  const withKey = (keyEncryptionKey: string): Tessera => {
    const settings = loadSettings({ cwd: core.settings.dataDir, overrides: { ...core.settings, keyEncryptionKey } });
    return createTessera({ settings, clock: core.clock.read });
  };
  const stored = async () => (await rows.list()).map((row) => isSealedPrivateKey(row.privatePem));

  test('without a key, PEM; keys encrypt seals every row in one go, and tokens from before still verify', async () => {
    const plainKey = await core.tessera.keys.generate('ES256', FROM_TEST);
    const before = await core.tessera.tokens.obtainPair(USER);
    assert.deepEqual(await stored(), [false]);
    await assert.rejects(core.tessera.keys.encrypt(FROM_TEST), { message: 'TESSERA_KEY_ENCRYPTION_KEY is not set: there is no key to encrypt with' });

    const sealed = withKey(KEK);
    try {
      await sealed.ready();
      assert.deepEqual(await sealed.keys.encrypt(FROM_TEST), { encrypted: 1, alreadyEncrypted: 0 });
      const [row] = await rows.list();
      assert.equal(isSealedPrivateKey(row!.privatePem), true);
      assert.doesNotMatch(row!.privatePem, /PRIVATE KEY/);
      await sealed.keyring.reload();
      await sealed.tokens.verify(before.access);
      // New keys are sealed as they are made.
      await sealed.keys.generate('RS256', FROM_TEST);
      assert.deepEqual(await stored(), [true, true]);
      assert.deepEqual(await sealed.keys.encrypt(FROM_TEST), { encrypted: 0, alreadyEncrypted: 2 });
      assert.deepEqual((await auditKinds(sealed, 'keys_encrypted')), [{ count: 1, source: 'test' }]);
      const after = await sealed.tokens.obtainPair(USER);
      assert.equal(kidOf(after.access), plainKey.kid);
    } finally {
      await sealed.close();
    }
  });

  test('a missing or wrong key is one clear error at start, naming the key it cannot open', async () => {
    const [first] = await rows.list();
    const missing = withKey('');
    await assert.rejects(missing.ready(), { code: 'key_encryption', message: 'signing keys are encrypted; TESSERA_KEY_ENCRYPTION_KEY is not set' });
    await missing.close();
    const wrong = withKey(OTHER_KEK);
    await assert.rejects(wrong.ready(), { code: 'key_encryption', message: `TESSERA_KEY_ENCRYPTION_KEY does not decrypt key ${first!.kid}` });
    await wrong.close();
  });

  test('keys encrypt is all or nothing: a row it cannot open leaves the PEM rows as they were', async () => {
    // A PEM row beside rows sealed under KEK, encrypted with another key: refused, nothing written.
    const { generatePrivateKey, pinPrivateKey } = await import('../../src/crypto/index.js');
    const pem = generatePrivateKey('ES256');
    const pinned = pinPrivateKey('ES256', pem);
    await rows.insert({ kid: pinned.kid, alg: 'ES256', privatePem: pem, publicJwk: pinned.jwk, createdAt: new Date(core.clock.now), activatedAt: null, retiresAt: null });
    const wrong = withKey(OTHER_KEK);
    try {
      await assert.rejects(wrong.keys.encrypt(FROM_TEST), { code: 'key_encryption', message: /^TESSERA_KEY_ENCRYPTION_KEY does not decrypt key / });
      assert.deepEqual(await stored(), [true, true, false]);
      const sealed = withKey(KEK);
      assert.deepEqual(await sealed.keys.encrypt(FROM_TEST), { encrypted: 1, alreadyEncrypted: 2 });
      await sealed.close();
      assert.deepEqual(await stored(), [true, true, true]);
    } finally {
      await wrong.close();
    }
  });

  test('TOTP secrets: sealed under the key when set; those sealed before (under the signing secret) still open', async () => {
    const user = (await core.tessera.store.users.findByUsername(USER.username))!;
    const legacy = withKey('');
    const { secret } = await legacy.twoFactor.beginTotp(user);
    await legacy.twoFactor.confirmTotp(user, totpCode(secret, core.clock.now));
    await legacy.close();
    core.clock.advance(30);
    const sealed = withKey(KEK);
    try {
      assert.equal(await sealed.twoFactor.verifyTotp(user, totpCode(secret, core.clock.now)), true, 'a secret sealed before the key was set');
      const newcomer = await sealed.users.create({ username: 'newcomer', email: 'n@example.com', password: 'Ab12345678' });
      const enrolled = await sealed.twoFactor.beginTotp(newcomer);
      await sealed.twoFactor.confirmTotp(newcomer, totpCode(enrolled.secret, core.clock.now));
      core.clock.advance(30);
      const withoutKey = withKey('');
      try {
        // Sealed under the key encryption key: the signing secret alone no longer opens it.
        assert.equal(await withoutKey.twoFactor.verifyTotp(newcomer, totpCode(enrolled.secret, core.clock.now)), false);
      } finally {
        await withoutKey.close();
      }
      assert.equal(await sealed.twoFactor.verifyTotp(newcomer, totpCode(enrolled.secret, core.clock.now)), true);
    } finally {
      await sealed.close();
    }
  });
});
