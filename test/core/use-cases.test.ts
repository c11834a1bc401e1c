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
});
