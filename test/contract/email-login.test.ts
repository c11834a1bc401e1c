import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { createPasswordHashers } from '../../src/crypto/index.js';
import { startServer, type TestServer } from '../support/server.js';

const PASSWORD = 'tessera-pass-42';
// Simple JWT 5.2's body for `no_active_account` (the seeds' version sends no `code` with it).
const REFUSED = { detail: 'No active account found with the given credentials' };
const TAKEN = 'user with this email address already exists.';
const REQUIRED = 'This field is required.';

/** The .eml files the file backend wrote, by name. */
function mails(folder: string): string[] {
  try {
    return readdirSync(folder).filter((f) => f.endsWith('.eml')).sort().map((f) => readFileSync(join(folder, f), 'utf8'));
  } catch {
    return [];
  }
}

describe("loginField: 'email': logins, registration and email changes by email, in any case", () => {
  let server: TestServer;
  let mailDir: string;
  const hashers = createPasswordHashers();
  const bearer = (access: string) => ({ authorization: `Bearer ${access}` });
  const obtain = (body: Record<string, string>) => server.post('/api/token/', body);

  before(async () => {
    mailDir = mkdtempSync(join(tmpdir(), 'tessera-email-login-'));
    server = await startServer({
      loginField: 'email', sendActivationEmail: false, emailUrl: `file:${mailDir}`, authTokenClasses: ['access', 'sliding'],
      // Bursts below are many registrations from one address: the throttle has tests of its own.
      throttleEnabled: false,
    });
    const password = await hashers.hash(PASSWORD);
    await server.store.users.create({ username: 'alice', email: 'Alice@Example.com', password });
    await server.store.users.create({ username: 'ivan', email: 'ivan@example.com', password, isActive: false });
  });
  after(async () => {
    await server.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  test('the pair, sliding and djoser views take the email in any case', async () => {
    for (const email of ['Alice@Example.com', 'alice@example.com', 'ALICE@EXAMPLE.COM']) {
      const pair = await obtain({ email, password: PASSWORD });
      assert.equal(pair.status, 200, `${email}: ${pair.text}`);
      assert.deepEqual(Object.keys(pair.json), ['refresh', 'access']);
      const me = await server.get('/auth/users/me/', bearer(pair.json.access));
      assert.equal(me.json.username, 'alice');
    }
    const djoser = await server.post('/auth/jwt/create/', { email: 'aLiCe@example.COM', password: PASSWORD });
    assert.equal(djoser.status, 200, djoser.text);
    const sliding = await server.post('/api/token/sliding/', { email: 'alice@EXAMPLE.com', password: PASSWORD });
    assert.equal(sliding.status, 200, sliding.text);
    assert.deepEqual(Object.keys(sliding.json), ['token']);
  });

  test('the body field is `email`: a missing one is a field error, a username is not a login', async () => {
    const missing = await obtain({ password: PASSWORD });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { email: [REQUIRED] });
    const empty = await obtain({});
    assert.deepEqual(empty.json, { email: [REQUIRED], password: [REQUIRED] });
    assert.deepEqual(Object.keys(empty.json), ['email', 'password']);
    const byName = await obtain({ username: 'alice', password: PASSWORD });
    assert.deepEqual([byName.status, byName.json], [400, { email: [REQUIRED] }]);
    const sliding = await server.post('/api/token/sliding/', { username: 'alice', password: PASSWORD });
    assert.deepEqual([sliding.status, sliding.json], [400, { email: [REQUIRED] }]);
  });

  test('an unknown email, a wrong password and an inactive account get one answer', async () => {
    const answers = await Promise.all([
      obtain({ email: 'nobody@example.com', password: PASSWORD }),
      obtain({ email: 'alice@example.com', password: 'wrong-password' }),
      obtain({ email: 'IVAN@example.com', password: PASSWORD }),
      // The username as an email is an account that does not exist.
      obtain({ email: 'alice', password: PASSWORD }),
    ]);
    for (const answer of answers) {
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.json, REFUSED);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    }
    assert.equal(new Set(answers.map((a) => a.text)).size, 1);
  });

  test('re-authentication checks the password of the signed-in account', async () => {
    const pair = await obtain({ email: 'alice@example.com', password: PASSWORD });
    const wrong = await server.post('/api/token/reauthenticate/', { password: 'wrong-password' }, bearer(pair.json.access));
    assert.deepEqual([wrong.status, wrong.json], [400, { password: ['Invalid password.'] }]);
    const right = await server.post('/api/token/reauthenticate/', { password: PASSWORD }, bearer(pair.json.access));
    assert.equal(right.status, 200, right.text);
  });

  test('registration: the email is required and free in any case; without a username one is made from the email', async () => {
    const noEmail = await server.post('/auth/users/', { username: 'bob', password: PASSWORD });
    assert.deepEqual([noEmail.status, noEmail.json], [400, { email: [REQUIRED] }]);
    const bob = await server.post('/auth/users/', { email: 'Bob@Example.com', password: PASSWORD });
    assert.equal(bob.status, 201, bob.text);
    assert.deepEqual(bob.json, { email: 'Bob@Example.com', username: 'bob@example.com', id: bob.json.id });
    const again = await server.post('/auth/users/', { email: 'BOB@example.com', username: 'bobby', password: PASSWORD });
    assert.deepEqual([again.status, again.json], [400, { email: [TAKEN] }]);
    assert.equal(await server.store.users.findByUsername('bobby'), null);
    // A username taken by someone else is still its own error, beside the email's.
    const both = await server.post('/auth/users/', { email: 'alice@EXAMPLE.com', username: 'alice', password: PASSWORD });
    assert.deepEqual([both.status, both.json], [400, { username: ['A user with that username already exists.'], email: [TAKEN] }]);
    // The made-up username taken (an account named like the email): another is made.
    const named = await server.post('/auth/users/', { email: 'carl@example.com', username: 'dora@example.com', password: PASSWORD });
    assert.equal(named.status, 201, named.text);
    const dora = await server.post('/auth/users/', { email: 'Dora@example.com', password: PASSWORD });
    assert.equal(dora.status, 201, dora.text);
    assert.match(dora.json.username, /^dora@example\.com-[0-9a-f]{8}$/);
    const login = await obtain({ email: 'dora@EXAMPLE.COM', password: PASSWORD });
    assert.equal(login.status, 200, login.text);
  });

  test('a burst of registrations of one email in different cases: exactly one account', async () => {
    const spellings = ['race@example.com', 'RACE@example.com', 'Race@Example.com', 'race@EXAMPLE.com', 'rAcE@example.com', 'RACE@EXAMPLE.COM', 'racE@example.com', 'Race@example.COM'];
    const answers = await Promise.all(spellings.map((email, i) => server.post('/auth/users/', { email, username: `racer${i}`, password: PASSWORD })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 400, 400, 400, 400, 400, 400, 400], answers.map((a) => a.text).join('\n'));
    for (const lost of answers.filter((a) => a.status === 400)) assert.deepEqual(lost.json, { email: [TAKEN] });
    const holders = (await server.store.users.list()).filter((u) => u.email.toLowerCase() === 'race@example.com');
    assert.equal(holders.length, 1);
  });

  test("email changes: read-only in users/me/, set_email/ refuses another account's email in any case, even in a burst", async () => {
    const pair = await obtain({ email: 'bob@example.com', password: PASSWORD });
    const auth = bearer(pair.json.access);
    const me = await server.request('PATCH', '/auth/users/me/', { body: JSON.stringify({ email: 'other@example.com' }), headers: { ...auth, 'content-type': 'application/json' } });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.email, 'Bob@Example.com');
    const taken = await server.post('/auth/users/set_email/', { new_email: 'ALICE@example.com', current_password: PASSWORD }, auth);
    assert.deepEqual([taken.status, taken.json], [400, { new_email: [TAKEN] }]);
    const wrong = await server.post('/auth/users/set_email/', { new_email: 'bob.new@example.com', current_password: 'nope' }, auth);
    assert.deepEqual([wrong.status, wrong.json], [400, { current_password: ['Invalid password.'] }]);
    const missing = await server.post('/auth/users/set_email/', { current_password: PASSWORD }, auth);
    assert.deepEqual([missing.status, missing.json], [400, { new_email: [REQUIRED] }]);
    const moved = await server.post('/auth/users/set_email/', { new_email: 'Bob.New@example.com', current_password: PASSWORD }, auth);
    assert.equal(moved.status, 204, moved.text);
    assert.equal((await obtain({ email: 'bob.new@EXAMPLE.com', password: PASSWORD })).status, 200);
    assert.equal((await obtain({ email: 'bob@example.com', password: PASSWORD })).status, 401);

    // Two accounts moving to one new address at once: one does.
    const carl = await obtain({ email: 'carl@example.com', password: PASSWORD });
    const again = await obtain({ email: 'bob.new@example.com', password: PASSWORD });
    const burst = await Promise.all([
      server.post('/auth/users/set_email/', { new_email: 'shared@example.com', current_password: PASSWORD }, bearer(carl.json.access)),
      server.post('/auth/users/set_email/', { new_email: 'SHARED@example.com', current_password: PASSWORD }, bearer(again.json.access)),
    ]);
    assert.deepEqual(burst.map((a) => a.status).sort(), [204, 400], burst.map((a) => a.text).join('\n'));
    assert.deepEqual(burst.find((a) => a.status === 400)!.json, { new_email: [TAKEN] });
  });

  test('password reset finds the account by its email in any case', async () => {
    const before = mails(mailDir).length;
    const answer = await server.post('/auth/users/reset_password/', { email: 'ALICE@EXAMPLE.COM' });
    assert.equal(answer.status, 204);
    let sent: string[] = [];
    for (let waited = 0; waited < 10_000 && sent.length <= before; waited += 20) {
      await sleep(20);
      sent = mails(mailDir);
    }
    assert.equal(sent.length, before + 1, 'one reset email');
    // To the address stored (the mailer writes the domain in lower case).
    assert.match(sent.at(-1)!, /^To: Alice@example\.com$/m);
  });
});

describe("loginField: 'email' with Basic, DRF's authtoken and session login (their forms keep the field `username`, as Django's do)", () => {
  let server: TestServer;
  const hashers = createPasswordHashers();
  const basic = (userpass: string) => ({ authorization: `Basic ${Buffer.from(userpass).toString('base64')}` });

  before(async () => {
    server = await startServer({ loginField: 'email', authenticationClasses: ['jwt', 'basic', 'token', 'session'] });
    await server.store.users.create({ username: 'ann', email: 'Ann@Example.com', password: await hashers.hash(PASSWORD) });
  });
  after(() => server.close());

  test('Basic authentication takes the email in any case, and not the username', async () => {
    const byEmail = await server.get('/api/user/', basic(`ANN@example.com:${PASSWORD}`));
    assert.equal(byEmail.status, 200, byEmail.text);
    assert.equal(byEmail.json.username, 'ann');
    const byName = await server.get('/api/user/', basic(`ann:${PASSWORD}`));
    assert.equal(byName.status, 401);
    assert.deepEqual(byName.json, { detail: 'Invalid username/password.' });
  });

  test("authtoken's `username` field holds the email (Django's authenticate(username=...) is the USERNAME_FIELD)", async () => {
    const token = await server.post('/api-token-auth/', { username: 'ann@EXAMPLE.com', password: PASSWORD });
    assert.equal(token.status, 200, token.text);
    assert.match(token.json.token, /^[0-9a-f]{40}$/);
    const byName = await server.post('/api-token-auth/', { username: 'ann', password: PASSWORD });
    assert.deepEqual([byName.status, byName.json], [400, { non_field_errors: ['Unable to log in with provided credentials.'] }]);
  });
});
