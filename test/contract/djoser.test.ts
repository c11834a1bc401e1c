import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../support/server.js';

const PUBLIC_URL = 'https://app.example.com';

/** The mailbox the file backend writes: each message decoded (quoted-printable undone). */
class Mailbox {
  constructor(readonly folder: string) {}

  messages(): string[] {
    let files: string[];
    try {
      files = readdirSync(this.folder).filter((f) => f.endsWith('.eml')).sort();
    } catch {
      return [];
    }
    return files.map((f) => decode(readFileSync(join(this.folder, f), 'utf8')));
  }

  /** Waits (up to a generous deadline; email is sent after the answer) for message number `n`. */
  async nth(n: number): Promise<string> {
    for (let waited = 0; waited < 10_000; waited += 20) {
      const all = this.messages();
      if (all.length >= n) return all[n - 1]!;
      await sleep(20);
    }
    throw new Error(`message ${n} never arrived (have ${this.messages().length})`);
  }
}

function decode(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function linkParts(message: string, path: string): { uid: string; token: string } {
  const match = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/${path}/([A-Za-z0-9_-]+)/([0-9a-z]+-[0-9a-f]+)`).exec(message);
  assert.ok(match, `no ${path} link in:\n${message}`);
  return { uid: match[1]!, token: match[2]! };
}

function subjectOf(message: string): string {
  return /^Subject: (.*)$/m.exec(message)?.[1]?.trim() ?? '';
}

describe("djoser's API end to end, with email through the file backend", () => {
  let server: TestServer;
  let mailDir: string;
  let mailbox: Mailbox;
  before(async () => {
    mailDir = mkdtempSync(join(tmpdir(), 'tessera-djoser-mail-'));
    mailbox = new Mailbox(join(mailDir, 'outbox'));
    server = await startServer({ emailUrl: `file:${mailbox.folder}`, publicUrl: PUBLIC_URL });
  });
  after(async () => {
    await server.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  const bearer = (access: string) => ({ authorization: `Bearer ${access}` });
  const login = (username: string, password: string) => server.post('/auth/jwt/create/', { username, password });

  let uid = '';
  let access = '';
  let mails = 0;

  test('register: 201 with email, username, id; an inactive user; an activation email', async () => {
    const answer = await server.post('/auth/users/', { username: 'alice', email: 'alice@example.com', password: 'tessera-pass-42' });
    assert.equal(answer.status, 201);
    assert.deepEqual(Object.keys(answer.json), ['email', 'username', 'id']);
    assert.equal(answer.json.email, 'alice@example.com');
    assert.equal(answer.json.username, 'alice');
    const user = await server.store.users.findByUsername('alice');
    assert.equal(user?.isActive, false);
    assert.equal(answer.json.id, user?.id);
    assert.ok(!answer.text.includes('password'));

    const message = await mailbox.nth(++mails);
    assert.match(message, /^To: alice@example\.com$/m);
    assert.equal(subjectOf(message), 'Account activation on app.example.com');
    const link = linkParts(message, '#/activate');
    assert.equal(Buffer.from(link.uid, 'base64url').toString(), String(user?.id));
    uid = link.uid;
  });

  test('register refuses weak passwords with all of Django\'s messages', async () => {
    const answer = await server.post('/auth/users/', { username: 'bob', email: 'bob@example.com', password: '12345' });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, {
      password: [
        'This password is too short. It must contain at least 8 characters.',
        'This password is too common.',
        'This password is entirely numeric.',
      ],
    });
    const similar = await server.post('/auth/users/', { username: 'roberto', email: 'rob@example.com', password: 'roberto12' });
    assert.deepEqual(similar.json, { password: ['The password is too similar to the username.'] });
    assert.equal(await server.store.users.findByUsername('bob'), null);
  });

  test('register: field errors for a taken username, a bad email, missing fields', async () => {
    const taken = await server.post('/auth/users/', { username: 'alice', email: 'other@example.com', password: 'tessera-pass-42' });
    assert.equal(taken.status, 400);
    assert.deepEqual(taken.json, { username: ['A user with that username already exists.'] });
    const email = await server.post('/auth/users/', { username: 'carol', email: 'not-an-email', password: 'tessera-pass-42' });
    assert.deepEqual(email.json, { email: ['Enter a valid email address.'] });
    const badName = await server.post('/auth/users/', { username: 'car ol', email: 'carol@example.com', password: 'tessera-pass-42' });
    assert.deepEqual(badName.json, {
      username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
    });
    const missing = await server.post('/auth/users/', {});
    assert.deepEqual(missing.json, {
      email: ['This field is required.'], username: ['This field is required.'], password: ['This field is required.'],
    });
  });

  test('a second account with an existing email registers like any other (no enumeration)', async () => {
    const answer = await server.post('/auth/users/', { username: 'alice2', email: 'alice@example.com', password: 'tessera-pass-43' });
    assert.equal(answer.status, 201);
    assert.deepEqual(Object.keys(answer.json), ['email', 'username', 'id']);
    await mailbox.nth(++mails);
  });

  test('an inactive account cannot log in', async () => {
    const answer = await login('alice', 'tessera-pass-42');
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'No active account found with the given credentials' });
  });

  test('activation: bad uid, bad token, then 204, then stale', async () => {
    const message = mailbox.messages()[0]!;
    const { token } = linkParts(message, '#/activate');
    const badUid = await server.post('/auth/users/activation/', { uid: 'zzzz', token });
    assert.equal(badUid.status, 400);
    assert.deepEqual(badUid.json, { uid: ["Invalid user id or user doesn't exist."] });
    // Change the last hex digit (to another digit: the same one would be the real token).
    const altered = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
    const badToken = await server.post('/auth/users/activation/', { uid, token: altered });
    assert.equal(badToken.status, 400);
    assert.deepEqual(badToken.json, { token: ['Invalid token for given user.'] });
    const ok = await server.post('/auth/users/activation/', { uid, token });
    assert.equal(ok.status, 204);
    assert.equal(ok.text, '');
    assert.equal((await server.store.users.findByUsername('alice'))?.isActive, true);
    const again = await server.post('/auth/users/activation/', { uid, token });
    assert.equal(again.status, 403);
    assert.deepEqual(again.json, { detail: 'Stale token for given user.' });
  });

  test('jwt/create, jwt/verify, jwt/refresh answer as Simple JWT', async () => {
    const created = await login('alice', 'tessera-pass-42');
    assert.equal(created.status, 200);
    assert.deepEqual(Object.keys(created.json).sort(), ['access', 'refresh']);
    access = created.json.access;
    const verified = await server.post('/auth/jwt/verify/', { token: access });
    assert.equal(verified.status, 200);
    assert.deepEqual(verified.json, {});
    const refreshed = await server.post('/auth/jwt/refresh/', { refresh: created.json.refresh });
    assert.equal(refreshed.status, 200);
    assert.equal(typeof refreshed.json.access, 'string');
    const bad = await server.post('/auth/jwt/verify/', { token: 'nonsense' });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    const wrong = await login('alice', 'wrong-password');
    assert.equal(wrong.status, 401);
  });

  test('users/me: 401 without a token, the user with one; users/ lists only yourself', async () => {
    const anonymous = await server.get('/auth/users/me/');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"');
    const me = await server.get('/auth/users/me/', bearer(access));
    assert.equal(me.status, 200);
    assert.deepEqual(me.json, { email: 'alice@example.com', id: me.json.id, username: 'alice' });
    assert.deepEqual(Object.keys(me.json), ['email', 'id', 'username']);
    const list = await server.get('/auth/users/', bearer(access));
    assert.deepEqual(list.json, [me.json]);
    assert.equal((await server.get('/auth/users/')).status, 401);
  });

  test('users/me PUT and PATCH: the username is read-only; the same email changes nothing', async () => {
    const put = await server.request('PUT', '/auth/users/me/', {
      body: JSON.stringify({ username: 'mallory', email: 'alice@example.com' }),
      headers: { 'content-type': 'application/json', ...bearer(access) },
    });
    assert.equal(put.status, 200);
    assert.equal(put.json.username, 'alice');
    const patch = await server.request('PATCH', '/auth/users/me/', {
      body: JSON.stringify({ email: 'nope' }),
      headers: { 'content-type': 'application/json', ...bearer(access) },
    });
    assert.equal(patch.status, 400);
    assert.deepEqual(patch.json, { email: ['Enter a valid email address.'] });
    assert.equal((await server.store.users.findByUsername('alice'))?.isActive, true);
  });

  test('set_password: wrong current password, weak new one, then 204 and a confirmation email', async () => {
    const wrong = await server.post('/auth/users/set_password/', { new_password: 'brand-new-pass-1', current_password: 'nope' }, bearer(access));
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json, { current_password: ['Invalid password.'] });
    const weak = await server.post('/auth/users/set_password/', { new_password: 'password', current_password: 'tessera-pass-42' }, bearer(access));
    assert.deepEqual(weak.json, { new_password: ['This password is too common.'] });
    const ok = await server.post('/auth/users/set_password/', { new_password: 'brand-new-pass-1', current_password: 'tessera-pass-42' }, bearer(access));
    assert.equal(ok.status, 204);
    const message = await mailbox.nth(++mails);
    assert.equal(subjectOf(message), 'app.example.com - Your password has been successfully changed!');
    assert.ok(!message.includes('brand-new-pass-1'));
    assert.equal((await login('alice', 'tessera-pass-42')).status, 401, 'the old password no longer works');
    assert.equal((await login('alice', 'brand-new-pass-1')).status, 200);
    const anonymous = await server.post('/auth/users/set_password/', { new_password: 'x', current_password: 'y' });
    assert.equal(anonymous.status, 401);
  });

  test('reset_password: 204 for an unknown email and no mail; 204 and a link for a known one', async () => {
    const unknown = await server.post('/auth/users/reset_password/', { email: 'nobody@example.com' });
    assert.equal(unknown.status, 204);
    assert.equal(unknown.text, '');
    const invalid = await server.post('/auth/users/reset_password/', { email: 'nobody' });
    assert.deepEqual(invalid.json, { email: ['Enter a valid email address.'] });
    const known = await server.post('/auth/users/reset_password/', { email: 'alice@example.com' });
    assert.equal(known.status, 204);
    assert.equal(known.text, unknown.text);
    // alice2 shares the address but is inactive: only alice gets a reset email.
    const message = await mailbox.nth(++mails);
    assert.equal(subjectOf(message), 'Password reset on app.example.com');
    assert.ok(message.includes("Your username, in case you've forgotten: alice"));
    await sleep(50);
    assert.equal(mailbox.messages().length, mails, 'no email for the unknown address or the inactive account');
  });

  test('reset_password_confirm: weak password, then 204; the link then fails; the new password works', async () => {
    const { uid: resetUid, token } = linkParts(mailbox.messages()[mails - 1]!, '#/password/reset/confirm');
    assert.equal(resetUid, uid);
    const weak = await server.post('/auth/users/reset_password_confirm/', { uid: resetUid, token, new_password: 'alice' });
    assert.equal(weak.status, 400);
    assert.deepEqual(weak.json, {
      new_password: [
        'The password is too similar to the username.',
        'This password is too short. It must contain at least 8 characters.',
        'This password is too common.',
      ],
    });
    const ok = await server.post('/auth/users/reset_password_confirm/', { uid: resetUid, token, new_password: 'reset-pass-77' });
    assert.equal(ok.status, 204);
    const changed = await mailbox.nth(++mails);
    assert.equal(subjectOf(changed), 'app.example.com - Your password has been successfully changed!');
    const reuse = await server.post('/auth/users/reset_password_confirm/', { uid: resetUid, token, new_password: 'another-pass-88' });
    assert.equal(reuse.status, 400);
    assert.deepEqual(reuse.json, { token: ['Invalid token for given user.'] });
    assert.equal((await login('alice', 'brand-new-pass-1')).status, 401);
    const fresh = await login('alice', 'reset-pass-77');
    assert.equal(fresh.status, 200);
    access = fresh.json.access;
  });

  test('a reset link expires after passwordResetTimeout', async () => {
    await server.post('/auth/users/reset_password/', { email: 'alice@example.com' });
    const { token } = linkParts(await mailbox.nth(++mails), '#/password/reset/confirm');
    server.clock.advance(server.settings.passwordResetTimeout + 1);
    const late = await server.post('/auth/users/reset_password_confirm/', { uid, token, new_password: 'too-late-pass-5' });
    assert.equal(late.status, 400);
    assert.deepEqual(late.json, { token: ['Invalid token for given user.'] });
    const fresh = await login('alice', 'reset-pass-77');
    assert.equal(fresh.status, 200);
    access = fresh.json.access;
  });

  test('set_username: taken name and wrong password are field errors; then 204 and an email', async () => {
    const taken = await server.post('/auth/users/set_username/', { new_username: 'alice2', current_password: 'wrong' }, bearer(access));
    assert.equal(taken.status, 400);
    assert.deepEqual(taken.json, { new_username: ['A user with that username already exists.'], current_password: ['Invalid password.'] });
    const ok = await server.post('/auth/users/set_username/', { new_username: 'alicia', current_password: 'reset-pass-77' }, bearer(access));
    assert.equal(ok.status, 204);
    const message = await mailbox.nth(++mails);
    assert.equal(subjectOf(message), 'app.example.com - Your username has been successfully changed!');
    assert.equal((await login('alice', 'reset-pass-77')).status, 401);
    assert.equal((await login('alicia', 'reset-pass-77')).status, 200);
  });

  test('resend_activation: 204 for any address; a link only for inactive accounts', async () => {
    const answer = await server.post('/auth/users/resend_activation/', { email: 'alice@example.com' });
    assert.equal(answer.status, 204);
    const message = await mailbox.nth(++mails);
    assert.match(message, /^Subject: Account activation/m);
    const { uid: otherUid } = linkParts(message, '#/activate');
    assert.equal(Buffer.from(otherUid, 'base64url').toString(), String((await server.store.users.findByUsername('alice2'))?.id));
    assert.equal((await server.post('/auth/users/resend_activation/', { email: 'nobody@example.com' })).status, 204);
  });

  test('changing the email deactivates the account and mails a link to the new address', async () => {
    const fresh = await login('alicia', 'reset-pass-77');
    const patch = await server.request('PATCH', '/auth/users/me/', {
      body: JSON.stringify({ email: 'alicia@example.org' }),
      headers: { 'content-type': 'application/json', ...bearer(fresh.json.access) },
    });
    assert.equal(patch.status, 200);
    assert.equal(patch.json.email, 'alicia@example.org');
    const message = await mailbox.nth(++mails);
    assert.match(message, /^To: alicia@example\.org$/m);
    assert.equal((await login('alicia', 'reset-pass-77')).status, 401, 'inactive until the new address is confirmed');
    const { token } = linkParts(message, '#/activate');
    assert.equal((await server.post('/auth/users/activation/', { uid, token })).status, 204);
    const again = await login('alicia', 'reset-pass-77');
    assert.equal(again.status, 200);
    access = again.json.access;
  });

  test('staff see every user at users/', async () => {
    await server.createUser('admin', 'admin-pass-99', { isStaff: true });
    const token = (await login('admin', 'admin-pass-99')).json.access;
    const list = await server.get('/auth/users/', bearer(token));
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.map((u: { username: string }) => u.username).sort(), ['admin', 'alice2', 'alicia']);
  });

  test('DELETE users/me needs the current password, then the account is gone', async () => {
    const del = (body: unknown) => server.request('DELETE', '/auth/users/me/', {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...bearer(access) },
    });
    const missing = await del({});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { current_password: ['This field is required.'] });
    const wrong = await del({ current_password: 'nope' });
    assert.deepEqual(wrong.json, { current_password: ['Invalid password.'] });
    const ok = await del({ current_password: 'reset-pass-77' });
    assert.equal(ok.status, 204);
    assert.equal(await server.store.users.findByUsername('alicia'), null);
    assert.equal((await login('alicia', 'reset-pass-77')).status, 401);
    assert.equal((await server.get('/auth/users/me/', bearer(access))).status, 401);
  });

  test('OPTIONS and Allow follow DRF', async () => {
    const options = await server.request('OPTIONS', '/auth/users/');
    assert.equal(options.status, 200);
    assert.equal(options.json.name, 'User List');
    assert.match(String(options.headers.get('allow')), /GET/);
    assert.match(String(options.headers.get('allow')), /POST/);
    const wrongMethod = await server.get('/auth/users/activation/');
    assert.equal(wrongMethod.status, 405);
  });
});

describe('djoser API with sendActivationEmail off', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ sendActivationEmail: false });
  });
  after(async () => server.close());

  test('registration makes an active user at once, email optional; resend_activation is a bare 400', async () => {
    const answer = await server.post('/auth/users/', { username: 'dave', password: 'tessera-pass-42' });
    assert.equal(answer.status, 201);
    assert.deepEqual(answer.json, { email: '', username: 'dave', id: answer.json.id });
    assert.equal((await server.post('/auth/jwt/create/', { username: 'dave', password: 'tessera-pass-42' })).status, 200);
    const resend = await server.post('/auth/users/resend_activation/', { email: 'dave@example.com' });
    assert.equal(resend.status, 400);
    assert.equal(resend.text, '');
  });
});

describe('a link works once under a burst: 20 parallel uses of one emailed link', () => {
  const BURST = 20;
  let server: TestServer;
  let mailDir: string;
  let mailbox: Mailbox;
  before(async () => {
    mailDir = mkdtempSync(join(tmpdir(), 'tessera-djoser-burst-'));
    mailbox = new Mailbox(join(mailDir, 'outbox'));
    // Throttling off: the burst comes from one address, and this is about the link, not the rate.
    server = await startServer({ emailUrl: `file:${mailbox.folder}`, publicUrl: PUBLIC_URL, throttleEnabled: false });
  });
  after(async () => {
    await server.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  /** Waits for message `n`, then a while longer, and answers every subject that arrived. */
  const settledSubjects = async (n: number): Promise<string[]> => {
    await mailbox.nth(n);
    await sleep(300);
    return mailbox.messages().map(subjectOf);
  };

  test('reset_password_confirm: one 204, one password set, one email; the others are a used link\'s 400', async () => {
    await server.createUser('burst', 'burst-pass-old-1');
    await server.post('/auth/users/reset_password/', { email: 'burst@example.com' });
    const { uid, token } = linkParts(await mailbox.nth(1), '#/password/reset/confirm');
    const passwords = Array.from({ length: BURST }, (_, i) => `burst-pass-new-${i}`);
    const answers = await Promise.all(passwords.map((new_password) =>
      server.post('/auth/users/reset_password_confirm/', { uid, token, new_password })));

    const winners = answers.flatMap((answer, i) => (answer.status === 204 ? [i] : []));
    assert.equal(winners.length, 1, `successes: ${answers.map((a) => a.status).join(' ')}`);
    for (const answer of answers.filter((a) => a.status !== 204)) {
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.json, { token: ['Invalid token for given user.'] });
    }
    const login = (password: string) => server.post('/auth/jwt/create/', { username: 'burst', password });
    assert.equal((await login(passwords[winners[0]!]!)).status, 200, "the winner's password is the one set");
    for (const loser of passwords.filter((_, i) => i !== winners[0]).slice(0, 3)) assert.equal((await login(loser)).status, 401);
    const subjects = await settledSubjects(2);
    assert.deepEqual(subjects.slice(1), ['app.example.com - Your password has been successfully changed!']);
  });

  test('activation: one 204 and one activation; the others are a used link\'s 403', async () => {
    const before = mailbox.messages().length;
    const registered = await server.post('/auth/users/', { username: 'burster', email: 'burster@example.com', password: 'tessera-pass-42' });
    assert.equal(registered.status, 201);
    const { uid, token } = linkParts(await mailbox.nth(before + 1), '#/activate');
    const answers = await Promise.all(Array.from({ length: BURST }, () => server.post('/auth/users/activation/', { uid, token })));
    assert.equal(answers.filter((a) => a.status === 204).length, 1, `successes: ${answers.map((a) => a.status).join(' ')}`);
    for (const answer of answers.filter((a) => a.status !== 204)) {
      assert.equal(answer.status, 403);
      assert.deepEqual(answer.json, { detail: 'Stale token for given user.' });
    }
    assert.equal((await server.store.users.findByUsername('burster'))?.isActive, true);
    await sleep(300);
    assert.equal(mailbox.messages().length, before + 1, 'activation mails nothing more');
  });
});

describe("usernames are normalized NFKC, as Django's normalize_username", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ sendActivationEmail: false, throttleEnabled: false });
  });
  after(async () => server.close());

  const TAKEN = { username: ['A user with that username already exists.'] };
  const register = (username: string) => server.post('/auth/users/', { username, password: 'tessera-pass-42' });
  const login = (username: string, password: string) => server.post('/auth/jwt/create/', { username, password });

  test('after "ffoo", the ligature and fullwidth spellings are taken; a new name is stored normalized', async () => {
    assert.equal((await register('ffoo')).status, 201);
    for (const lookalike of ['\uFB00oo', '\uFF46\uFF46oo']) {
      const answer = await register(lookalike);
      assert.equal(answer.status, 400, lookalike);
      assert.deepEqual(answer.json, TAKEN);
    }
    const fresh = await register('\uFF42ar');
    assert.equal(fresh.status, 201);
    assert.equal(fresh.json.username, 'bar');
    assert.equal((await server.store.users.findById(fresh.json.id))?.username, 'bar');
    assert.deepEqual(await register('bar').then((a) => a.json), TAKEN);
  });

  test("a look-alike of the superuser's name is the superuser's name: taken, and a login finds that account", async () => {
    await server.createUser('shoumitro', 'Ab12345678', { isStaff: true });
    assert.deepEqual((await register('\uFF53houmitro')).json, TAKEN);
    assert.equal((await login('\uFF53houmitro', 'Ab12345678')).status, 200);
    assert.equal((await login('\uFF53houmitro', 'wrong-password-1')).status, 401);
  });

  test('set_username: a look-alike of a taken name is taken; a new one is stored normalized', async () => {
    const access = (await login('bar', 'tessera-pass-42')).json.access;
    const headers = { authorization: `Bearer ${access}` };
    const taken = await server.post('/auth/users/set_username/', { new_username: '\uFB00oo', current_password: 'tessera-pass-42' }, headers);
    assert.equal(taken.status, 400);
    assert.deepEqual(taken.json, { new_username: ['A user with that username already exists.'] });
    const ok = await server.post('/auth/users/set_username/', { new_username: '\uFB01sh', current_password: 'tessera-pass-42' }, headers);
    assert.equal(ok.status, 204);
    assert.ok(await server.store.users.findByUsername('fish'));
    assert.equal((await login('fish', 'tessera-pass-42')).status, 200);
  });

  test('a name that normalizes past 150 characters is refused, never a database error', async () => {
    // U+3392 (a squared MHz) is one character that NFKC spells as three letters: 60 become 180.
    const answer = await register('\u3392'.repeat(60));
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { username: ['Ensure this field has no more than 150 characters.'] });
  });
});
