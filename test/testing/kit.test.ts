import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createPasswordHashers, createTessera, loadSettings, type Settings, type User } from '../../src/index.js';
import { mintAccess, mintPair, testClock, testPasswordHashers, type TestTessera } from '../../src/testing/index.js';
import { TEST_ENGINE } from '../support/database.js';
import { openKit } from './engine.js';

// The kit as an application's test uses it, on an in-memory SQLite database, and (on the
// PostgreSQL run) on a database the settings name.

const bearer = (token: string) => ({ method: 'GET', headers: { authorization: `Bearer ${token}` } });
const opened: TestTessera[] = [];
after(async () => {
  for (const kit of opened) await kit.close();
});

/** A test tessera on the run's engine, closed after the file. */
async function open(settings: Partial<Settings> = {}): Promise<TestTessera> {
  const kit = await openKit(settings);
  opened.push(kit);
  return kit;
}

describe('testClock', () => {
  test('stands still, and moves only by advance and set', () => {
    const clock = testClock('2030-01-02T03:04:05Z');
    assert.equal(clock(), Date.parse('2030-01-02T03:04:05Z'));
    assert.equal(clock(), clock());
    clock.advance(90);
    assert.equal(clock.now().toISOString(), '2030-01-02T03:05:35.000Z');
    clock.set(new Date('2031-01-01T00:00:00Z'));
    assert.equal(clock(), Date.parse('2031-01-01T00:00:00Z'));
    assert.throws(() => testClock('not a date'), /not a date/);
    assert.throws(() => clock.advance(Number.NaN), /not a number/);
  });
});

describe('the test password hasher', () => {
  test('hashes with one PBKDF2 iteration, which a production tessera verifies once and re-hashes', async () => {
    const fast = testPasswordHashers();
    const hash = await fast.hash('tessera-pass-42');
    assert.match(hash, /^pbkdf2_sha256\$1\$/);
    assert.deepEqual(await fast.verify('tessera-pass-42', hash), { valid: true, mustUpdate: false });
    assert.equal((await fast.verify('wrong', hash)).valid, false);
    const real = createPasswordHashers();
    assert.deepEqual(await real.verify('tessera-pass-42', hash), { valid: true, mustUpdate: true });
    // A fixture's real hash still verifies in tests.
    const argon = await real.hash('fixture-pass');
    assert.equal((await fast.verify('fixture-pass', argon)).valid, true);
    assert.equal(await fast.verifyAgainstDummy('anything'), false);
  });
});

describe(`testTessera on ${TEST_ENGINE === 'postgres' ? 'PostgreSQL' : 'in-memory SQLite'}`, () => {
  test('is migrated, creates users with the fast hasher, and logs them in by password', async () => {
    const kit = await open();
    assert.equal(kit.tessera.store.database.engine, TEST_ENGINE);
    if (TEST_ENGINE === 'sqlite') assert.equal(kit.settings.databaseUrl, 'sqlite::memory:');
    const ann = await kit.createUser({ username: 'ann', password: 'ann-pass-1234', isStaff: true });
    assert.equal(ann.isStaff, true);
    assert.match((await kit.tessera.store.users.findById(ann.id))!.password, /^pbkdf2_sha256\$1\$/);
    const pair = await kit.tessera.tokens.obtainPair({ username: 'ann', password: 'ann-pass-1234' });
    assert.equal((await kit.tessera.authenticate(bearer(pair.access)))?.user.username, 'ann');
    const nopass = await kit.createUser({ username: 'bob' });
    assert.equal(await kit.tessera.users.checkCredentials({ username: 'bob', password: '' }), null);
    assert.equal(nopass.username, 'bob');
  });

  test('mintAccess: accepted by its authenticators, with claims, and expiring on its clock', async () => {
    const kit = await open();
    const ann = await kit.createUser({ username: 'ann' });
    const access = await kit.mintAccess(ann, { claims: { is_admin: true } });
    const authenticated = await kit.tessera.authenticate(bearer(access));
    assert.equal(authenticated?.user.id, ann.id);
    assert.equal(authenticated?.token?.get('is_admin'), true);
    // `{ id, username }` is enough.
    assert.equal((await kit.tessera.authenticate(bearer(await mintAccess(kit.tessera, { id: ann.id, username: 'ann' }))))?.user.id, ann.id);

    const short = await kit.mintAccess(ann, { expiresIn: 60 });
    kit.clock.advance(61);
    await assert.rejects(kit.tessera.authenticate(bearer(short)), { code: 'token_not_valid' });
    await assert.rejects(kit.tessera.authenticate(bearer(await kit.mintAccess(ann, { expiresIn: 0 }))), { code: 'token_not_valid' });
    // Another key's token is refused: the kit signs with this tessera's key, not a key of its own.
    const other = await open();
    await assert.rejects(kit.tessera.authenticate(bearer(await other.mintAccess(ann))), { code: 'token_not_valid' });
  });

  test('mintPair: a login pair, rotated and blacklisted as any other', async () => {
    const kit = await open({ rotateRefreshTokens: true, blacklistAfterRotation: true });
    const ann = await kit.createUser({ username: 'ann' });
    const pair = await kit.mintPair(ann, { claims: { scope: 'read' } });
    const refreshed = await kit.tessera.tokens.refresh(pair.refresh);
    assert.ok(refreshed.refresh);
    const authenticated = await kit.tessera.authenticate(bearer(refreshed.access));
    assert.equal(authenticated?.token?.get('scope'), 'read');
    await assert.rejects(kit.tessera.tokens.refresh(pair.refresh), /blacklisted/);
  });

  test('mintPair with sessions on starts a session the user can list and end', async () => {
    const kit = await open({ tokenFamilies: true });
    const ann = await kit.createUser({ username: 'ann' });
    const pair = await kit.mintPair(ann);
    const sessions = await kit.tessera.store.families.listLive(ann.id, new Date(kit.clock() - 60_000));
    assert.equal(sessions.length, 1);
    await kit.tessera.sessions.endAll(ann.id);
    await assert.rejects(kit.tessera.authenticate(bearer(pair.access)), { code: 'token_not_valid' });
  });

  test('minted from settings alone, the tokens are accepted by a tessera built from those settings', async () => {
    const kit = await open();
    const ann = await kit.createUser({ username: 'ann' });
    const clock = testClock();
    const access = await mintAccess(kit.settings, ann, { clock });
    assert.equal((await kit.tessera.authenticate(bearer(access)))?.user.id, ann.id);
    const pair = await mintPair(kit.settings, ann);
    assert.equal((await kit.tessera.authenticate(bearer(pair.access)))?.user.id, ann.id);
  });

  test('an asymmetric key from settings signs as the tessera does', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const kit = await open({ algorithm: 'ES256', signingKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const ann = await kit.createUser({ username: 'ann' });
    const access = await mintAccess(kit.settings, ann);
    assert.equal(JSON.parse(Buffer.from(access.split('.')[0]!, 'base64url').toString()).alg, 'ES256');
    assert.equal((await kit.tessera.authenticate(bearer(access)))?.user.id, ann.id);
  });

  test('a tessera the application builds itself takes the test clock and hasher', async () => {
    const clock = testClock('2030-06-01T00:00:00Z');
    const settings = loadSettings({ env: {}, overrides: { databaseUrl: 'sqlite::memory:', signingKey: 'k'.repeat(64) } });
    const tessera = createTessera({ settings, clock, hashers: testPasswordHashers() });
    try {
      await tessera.migrate();
      const user: User = await tessera.users.create({ username: 'cy', password: 'cy-pass-1234' });
      const access = await mintAccess(tessera, user);
      const payload = JSON.parse(Buffer.from(access.split('.')[1]!, 'base64url').toString()) as { iat: number };
      assert.equal(payload.iat, Date.parse('2030-06-01T00:00:00Z') / 1000);
      assert.equal((await tessera.authenticate(bearer(access)))?.user.username, 'cy');
    } finally {
      await tessera.close();
    }
  });
});
