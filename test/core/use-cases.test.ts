import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTessera, loadSettings, TokenError, ValidationError, type Tessera } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TEST_SIGNING_KEY, TestClock } from '../support/server.js';

/** The use cases beyond Simple JWT's pair, called as plain functions: what every adapter's views call. */
describe('the core\'s sliding, drf-jwt and account use cases', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-use-cases-'));
  const sent: { to: string; subject: string; text: string }[] = [];
  const clock = new TestClock();
  let database: TestDatabase;
  let tessera: Tessera;
  before(async () => {
    database = await createTestDatabase(dir);
    const settings = loadSettings({
      cwd: dir,
      overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, authTokenClasses: ['access', 'sliding'], sendActivationEmail: true },
    });
    const mailer = { kind: 'console' as const, send: async (message: { to: string; subject: string; text: string }) => void sent.push(message), close: async () => undefined };
    tessera = createTessera({ settings, clock: clock.read, mailer });
    await tessera.migrate();
    await tessera.users.create({ username: 'shoumitro', email: 's@example.com', password: 'Ab12345678' });
  });
  after(async () => {
    await tessera.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('sliding: obtain for right credentials, refresh within the refresh period, refuse after it', async () => {
    await assert.rejects(tessera.tokens.obtainSliding({ username: 'shoumitro', password: 'wrong' }), { code: 'no_active_account' });
    const { token } = await tessera.tokens.obtainSliding({ username: 'shoumitro', password: 'Ab12345678' });
    clock.advance(60);
    const renewed = await tessera.tokens.refreshSliding(token);
    assert.notEqual(renewed.token, token);
    clock.advance(2 * 24 * 3600);
    await assert.rejects(tessera.tokens.refreshSliding(renewed.token), TokenError);
  });

  test('drf-jwt: obtain, verify, and refresh only where the overrides allow it', async () => {
    await assert.rejects(tessera.drfJwt.obtain({ username: 'shoumitro', password: 'nope' }), (error: unknown) =>
      error instanceof ValidationError && error.fields.non_field_errors?.[0] === 'Unable to log in with provided credentials.');
    const { token } = await tessera.drfJwt.obtain({ username: 'shoumitro', password: 'Ab12345678' });
    assert.deepEqual(await tessera.drfJwt.verify(token), { token });
    await assert.rejects(tessera.drfJwt.refresh(token), ValidationError);
    const allowed = await tessera.drfJwt.obtain({ username: 'shoumitro', password: 'Ab12345678' }, { jwtAllowRefresh: true });
    clock.advance(1);
    assert.equal(typeof (await tessera.drfJwt.refresh(allowed.token, { jwtAllowRefresh: true })).token, 'string');
  });

  test('accounts: register mails an activation link; the link activates once; the user then logs in', async () => {
    const user = await tessera.accounts.register({ username: 'newcomer', email: 'new@example.com', password: 'a-long-pass-42' });
    assert.equal(user.isActive, false);
    // The outbox hands the message to the mailer as the call returns.
    const mail = sent.find((message) => message.to === 'new@example.com');
    assert.ok(mail, 'an activation email was sent');
    const [, uid, token] = /activate\/([^/\s]+)\/([^/\s]+)/.exec(mail.text) ?? [];
    assert.ok(uid && token, mail.text);
    await assert.rejects(tessera.tokens.obtainPair({ username: 'newcomer', password: 'a-long-pass-42' }), { code: 'no_active_account' });
    await tessera.accounts.activate(uid, token);
    await assert.rejects(tessera.accounts.activate(uid, token), { name: 'PermissionDenied' });
    assert.deepEqual(Object.keys(await tessera.tokens.obtainPair({ username: 'newcomer', password: 'a-long-pass-42' })).sort(), ['access', 'refresh']);
  });

  test('maintenance: flushExpiredTokens deletes only the outstanding tokens past their expiry', async () => {
    await tessera.maintenance.flushExpiredTokens(); // what the tests before this one left, their clock moved on
    await tessera.tokens.obtainPair({ username: 'shoumitro', password: 'Ab12345678' });
    const before = await tessera.store.tokens.countOutstanding();
    assert.ok(before >= 1);
    assert.equal((await tessera.maintenance.flushExpiredTokens()).deletedTokens, 0, 'nothing has expired yet');
    clock.advance(tessera.settings.refreshTokenLifetime + 1);
    const fresh = await tessera.tokens.obtainPair({ username: 'shoumitro', password: 'Ab12345678' });
    assert.equal((await tessera.maintenance.flushExpiredTokens()).deletedTokens, before);
    assert.equal(await tessera.store.tokens.countOutstanding(), 1, 'the pair made after the jump stays');
    assert.ok(await tessera.tokens.refresh(fresh.refresh));
  });

  test('authTokens: obtain is one key a user; regenerate replaces it', async () => {
    const user = (await tessera.store.users.findByUsername('shoumitro'))!;
    const key = await tessera.authTokens.obtain(user.id);
    assert.match(key, /^[0-9a-f]{40}$/);
    assert.equal(await tessera.authTokens.obtain(user.id), key);
    const replaced = await tessera.authTokens.regenerate(user.id);
    assert.notEqual(replaced, key);
    assert.equal(await tessera.authTokens.obtain(user.id), replaced);
  });

  test('keys: generate, rotate and list, each change audited without the key, and this process\'s keyring follows at once', async () => {
    const first = await tessera.keys.generate('ES256', { source: 'test' });
    assert.equal(first.state, 'active', 'the first key signs at once');
    const second = await tessera.keys.generate('ES256', { source: 'test' });
    assert.equal(second.state, 'pending');
    const { activated, retiring } = await tessera.keys.rotate({}, { source: 'test' });
    assert.equal(activated.kid, second.kid);
    assert.deepEqual(retiring.map((key) => key.kid), [first.kid]);
    assert.deepEqual((await tessera.keys.list()).map((key) => [key.kid, key.state]), [[first.kid, 'retiring'], [second.kid, 'active']]);
    const events = await tessera.audit.list({ type: 'key_rotated' });
    assert.equal(events[0]?.detail.kid, second.kid);
    assert.equal(events[0]?.detail.source, 'test');
    assert.doesNotMatch(JSON.stringify(await tessera.audit.list({})), /PRIVATE KEY/);
    assert.equal(tessera.keyring.signingKey()?.kid, second.kid, 'this process signs with the rotated key without waiting for its reload timer');
  });
});
