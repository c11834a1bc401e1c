import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';
import { challengeFor, enrollTotp, totpCode } from '../support/totp.js';

const PASSWORD = 'Ab12345678';
const INVALID_CODE = { code: ['Invalid code.'] };
const bearer = (access: string) => ({ authorization: `Bearer ${access}` });

describe('two-factor: enrollment, the login challenge, recovery codes, re-authentication', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttleEnabled: false, tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true });
    for (const name of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal']) await server.createUser(name, PASSWORD);
  });
  after(() => server.close());

  test('enrollment: a pending secret and otpauth URI, a wrong code refused, a right one answers ten recovery codes once', async () => {
    const { auth } = await server.login('ann', PASSWORD);
    const before = await server.get('/api/2fa/', auth);
    assert.equal(before.status, 200, before.text);
    assert.deepEqual(before.json, { totp: false, recovery_codes_left: 0, required: false });

    const started = await server.post('/api/2fa/totp/', {}, auth);
    assert.equal(started.status, 200, started.text);
    assert.deepEqual(Object.keys(started.json).sort(), ['otpauth_url', 'secret']);
    assert.match(started.json.secret, /^[A-Z2-7]{32}$/, '160 bits, base32');
    const url = new URL(started.json.otpauth_url);
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.host, 'totp');
    assert.equal(decodeURIComponent(url.pathname.slice(1)), 'tessera:ann');
    assert.equal(url.searchParams.get('issuer'), 'tessera');
    assert.equal(url.searchParams.get('secret'), started.json.secret);
    assert.equal(url.searchParams.get('algorithm'), 'SHA1');
    assert.equal(url.searchParams.get('digits'), '6');
    assert.equal(url.searchParams.get('period'), '30');
    // Pending: logins do not change yet.
    assert.equal((await server.post('/api/token/', { username: 'ann', password: PASSWORD })).json.challenge, undefined);

    const wrongCode = String((Number(totpCode(started.json.secret, server.clock.now)) + 1) % 1_000_000).padStart(6, '0');
    const wrong = await server.post('/api/2fa/totp/confirm/', { code: wrongCode }, auth);
    assert.equal(wrong.status, 400, wrong.text);
    assert.deepEqual(wrong.json, INVALID_CODE);
    const missing = await server.post('/api/2fa/totp/confirm/', {}, auth);
    assert.deepEqual(missing.json, { code: ['This field is required.'] });

    const confirmed = await server.post('/api/2fa/totp/confirm/', { code: totpCode(started.json.secret, server.clock.now) }, auth);
    assert.equal(confirmed.status, 200, confirmed.text);
    const codes: string[] = confirmed.json.recovery_codes;
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[a-z2-9]{5}-[a-z2-9]{5}$/);
    assert.deepEqual((await server.get('/api/2fa/', auth)).json, { totp: true, recovery_codes_left: 10, required: false });

    // The secret is not readable back: not in any answer, not in clear in the database.
    const again = await server.post('/api/2fa/totp/', {}, auth);
    assert.equal(again.status, 400, again.text);
    assert.ok(again.json.non_field_errors, again.text);
    assert.ok(!again.text.includes(started.json.secret));
    const user = (await server.store.users.findByUsername('ann'))!;
    const row = await server.store.twoFactor.findDevice(user.id);
    assert.ok(row?.confirmedAt);
    assert.ok(!row!.sealedSecret.includes(started.json.secret), 'the stored secret is sealed');
    // Recovery codes: only hashes.
    const stored = await server.store.database.db.selectFrom('tessera_recovery_code' as never).selectAll().execute() as { code_hash: string }[];
    for (const code of codes) assert.ok(!stored.some((r) => r.code_hash.includes(code.replace('-', ''))));
  });

  test('login: right password answers a challenge (no tokens, no cookies); a code answers the pair, device_name kept', async () => {
    const { auth } = await server.login('ben', PASSWORD);
    const { secret } = await enrollTotp(server, auth);
    const first = await server.post('/api/token/', { username: 'ben', password: PASSWORD, device_name: 'Ben\'s phone' });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(Object.keys(first.json).sort(), ['challenge', 'expires_in', 'methods']);
    assert.deepEqual(first.json.methods, ['totp', 'recovery_code']);
    assert.equal(first.json.expires_in, 300);
    assert.equal(first.headers.get('set-cookie'), null);
    // A wrong password is still Simple JWT's 401.
    const wrongPassword = await server.post('/api/token/', { username: 'ben', password: 'nope' });
    assert.equal(wrongPassword.status, 401);
    assert.deepEqual(wrongPassword.json, { detail: 'No active account found with the given credentials' });

    const wrong = await server.post('/api/token/2fa/', { challenge: first.json.challenge, code: '000000' === totpCode(secret, server.clock.now) ? '111111' : '000000' });
    assert.equal(wrong.status, 400, wrong.text);
    assert.deepEqual(wrong.json, INVALID_CODE);
    const right = await server.post('/api/token/2fa/', { challenge: first.json.challenge, code: totpCode(secret, server.clock.now) });
    assert.equal(right.status, 200, right.text);
    assert.deepEqual(Object.keys(right.json).sort(), ['access', 'refresh']);
    assert.equal(decodeJwt(right.json.access).claims.user_id, (await server.store.users.findByUsername('ben'))!.id);
    const sessions = await server.get('/api/sessions/', bearer(right.json.access));
    assert.ok(sessions.json.some((s: { device_name: string; current: boolean }) => s.current && s.device_name === 'Ben\'s phone'), sessions.text);

    // The challenge is good once; the code too (a new challenge with the same code in the same window).
    const reused = await server.post('/api/token/2fa/', { challenge: first.json.challenge, code: totpCode(secret, server.clock.now) });
    assert.equal(reused.status, 401, reused.text);
    assert.deepEqual(reused.json, { detail: 'Challenge is invalid or expired; sign in again.', code: 'challenge_not_valid' });
    assert.match(reused.headers.get('www-authenticate') ?? '', /Bearer/);
    const replay = await server.post('/api/token/2fa/', { challenge: await challengeFor(server, 'ben', PASSWORD), code: totpCode(secret, server.clock.now) });
    assert.equal(replay.status, 400, replay.text);
    assert.deepEqual(replay.json, INVALID_CODE);
    server.clock.advance(30);
    const next = await server.post('/api/token/2fa/', { challenge: await challengeFor(server, 'ben', PASSWORD), code: totpCode(secret, server.clock.now) });
    assert.equal(next.status, 200, next.text);

    // Bad inputs are DRF-shaped 4xx.
    const challenge = await challengeFor(server, 'ben', PASSWORD);
    assert.deepEqual((await server.post('/api/token/2fa/', { challenge })).json, { non_field_errors: ['Give either code or recovery_code.'] });
    assert.deepEqual((await server.post('/api/token/2fa/', { challenge, code: '1', recovery_code: 'x' })).json, { non_field_errors: ['Give either code or recovery_code.'] });
    assert.deepEqual((await server.post('/api/token/2fa/', { code: '123456' })).json, { challenge: ['This field is required.'] });
    const forged = await server.post('/api/token/2fa/', { challenge: `${challenge.split('.')[0]}.AAAA`, code: '123456' });
    assert.equal(forged.status, 401);
    assert.equal(forged.json.code, 'challenge_not_valid');
    const garbage = await server.post('/api/token/2fa/', { challenge: 'not a challenge', code: '123456' });
    assert.equal(garbage.status, 401);
    assert.equal((await server.post('/api/token/2fa/', { challenge, code: 'abcdef' })).status, 400);
  });

  test('a challenge expires after 300 s', async () => {
    const { auth } = await server.login('cat', PASSWORD);
    const { secret } = await enrollTotp(server, auth);
    const challenge = await challengeFor(server, 'cat', PASSWORD);
    server.clock.advance(300);
    const late = await server.post('/api/token/2fa/', { challenge, code: totpCode(secret, server.clock.now) });
    assert.equal(late.status, 401, late.text);
    assert.equal(late.json.code, 'challenge_not_valid');
  });

  test('recovery codes: each works once; the count goes down; new ones replace the old', async () => {
    const { auth } = await server.login('dan', PASSWORD);
    const { recoveryCodes } = await enrollTotp(server, auth);
    const used = await server.post('/api/token/2fa/', { challenge: await challengeFor(server, 'dan', PASSWORD), recovery_code: recoveryCodes[0]!.toUpperCase() });
    assert.equal(used.status, 200, used.text);
    const again = await server.post('/api/token/2fa/', { challenge: await challengeFor(server, 'dan', PASSWORD), recovery_code: recoveryCodes[0] });
    assert.equal(again.status, 400, again.text);
    assert.deepEqual(again.json, { recovery_code: ['Invalid recovery code.'] });
    assert.equal((await server.get('/api/2fa/', bearer(used.json.access))).json.recovery_codes_left, 9);

    const renewed = await server.post('/api/2fa/recovery-codes/', {}, bearer(used.json.access));
    assert.equal(renewed.status, 200, renewed.text);
    assert.equal(renewed.json.recovery_codes.length, 10);
    const old = await server.post('/api/token/2fa/', { challenge: await challengeFor(server, 'dan', PASSWORD), recovery_code: recoveryCodes[1] });
    assert.equal(old.status, 400, 'the old codes are gone');
    const fresh = await server.post('/api/token/2fa/', { challenge: await challengeFor(server, 'dan', PASSWORD), recovery_code: renewed.json.recovery_codes[3] });
    assert.equal(fresh.status, 200, fresh.text);
  });

  test('a burst of one TOTP code, and of one recovery code, each on its own challenge: exactly one pair', async () => {
    const { auth } = await server.login('eve', PASSWORD);
    const { secret, recoveryCodes } = await enrollTotp(server, auth);
    const challenges = await Promise.all(Array.from({ length: 8 }, () => challengeFor(server, 'eve', PASSWORD)));
    const code = totpCode(secret, server.clock.now);
    const answers = await Promise.all(challenges.map((challenge) => server.post('/api/token/2fa/', { challenge, code })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400, 400, 400, 400, 400, 400], answers.map((a) => a.text).join('\n'));

    const more = await Promise.all(Array.from({ length: 8 }, () => challengeFor(server, 'eve', PASSWORD)));
    const recovered = await Promise.all(more.map((challenge) => server.post('/api/token/2fa/', { challenge, recovery_code: recoveryCodes[5] })));
    assert.deepEqual(recovered.map((a) => a.status).sort(), [200, 400, 400, 400, 400, 400, 400, 400], recovered.map((a) => a.text).join('\n'));

    // One challenge, a burst of different right answers (recovery codes): one login.
    const one = await challengeFor(server, 'eve', PASSWORD);
    const racing = await Promise.all(recoveryCodes.slice(6).map((recovery_code) => server.post('/api/token/2fa/', { challenge: one, recovery_code })));
    assert.equal(racing.filter((a) => a.status === 200).length, 1, racing.map((a) => a.text).join('\n'));
  });

  test('re-authentication with a code instead of the password; a used or wrong code is refused', async () => {
    const login = await server.login('fay', PASSWORD);
    const { secret } = await enrollTotp(server, login.auth);
    server.clock.advance(3600);
    const pair = await server.post('/api/token/2fa/', { challenge: await challengeFor(server, 'fay', PASSWORD), code: totpCode(secret, server.clock.now) });
    assert.equal(pair.status, 200, pair.text);
    server.clock.advance(700);
    const refreshed = await server.post('/api/token/refresh/', { refresh: pair.json.refresh });
    const stale = await server.post('/api/2fa/recovery-codes/', {}, bearer(refreshed.json.access));
    assert.equal(stale.status, 403, stale.text);
    assert.equal(stale.json.code, 'reauthentication_required');

    const used = await server.post('/api/token/reauthenticate/', { code: totpCode(secret, server.clock.now - 700_000) }, bearer(refreshed.json.access));
    assert.equal(used.status, 400, 'an old code is refused');
    server.clock.advance(30);
    const code = totpCode(secret, server.clock.now);
    const fresh = await server.post('/api/token/reauthenticate/', { code }, bearer(refreshed.json.access));
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal(decodeJwt(fresh.json.access).claims.auth_time, Math.floor(server.clock.now / 1000));
    const replay = await server.post('/api/token/reauthenticate/', { code }, bearer(refreshed.json.access));
    assert.equal(replay.status, 400);
    assert.deepEqual(replay.json, INVALID_CODE);
    assert.equal((await server.post('/api/2fa/recovery-codes/', {}, bearer(fresh.json.access))).status, 200);
    // The password still works too.
    assert.equal((await server.post('/api/token/reauthenticate/', { password: PASSWORD }, bearer(refreshed.json.access))).status, 200);
  });

  test('turning it off (fresh login) deletes the device and the codes: logins answer the pair again', async () => {
    const login = await server.login('gus', PASSWORD);
    await enrollTotp(server, login.auth);
    const challenged = await server.post('/api/token/', { username: 'gus', password: PASSWORD });
    assert.ok(challenged.json.challenge);
    const off = await server.request('DELETE', '/api/2fa/totp/', { headers: login.auth });
    assert.equal(off.status, 204, off.text);
    assert.deepEqual((await server.get('/api/2fa/', login.auth)).json, { totp: false, recovery_codes_left: 0, required: false });
    const pair = await server.post('/api/token/', { username: 'gus', password: PASSWORD });
    assert.deepEqual(Object.keys(pair.json).sort(), ['access', 'refresh']);
    assert.equal((await server.post('/api/2fa/totp/', {}, bearer(pair.json.access))).status, 200, 'enrollment may start again');
  });

  test('the audit log: challenged, failed and succeeded logins, enable and disable; no code or secret in any detail', async () => {
    const login = await server.login('hal', PASSWORD);
    const { secret, recoveryCodes } = await enrollTotp(server, login.auth);
    const challenge = await challengeFor(server, 'hal', PASSWORD);
    await server.post('/api/token/2fa/', { challenge, code: '999999' === totpCode(secret, server.clock.now) ? '888888' : '999999' });
    await server.post('/api/token/2fa/', { challenge, code: totpCode(secret, server.clock.now) });
    await server.post('/api/token/2fa/', { challenge: await challengeFor(server, 'hal', PASSWORD), recovery_code: recoveryCodes[0] });
    await server.request('DELETE', '/api/2fa/totp/', { headers: login.auth });
    await server.tessera.audit.flush();
    const events = (await server.tessera.audit.list({ username: 'hal', limit: 50 })).reverse();
    const types = events.map((e) => e.type);
    for (const type of ['two_factor_enabled', 'two_factor_challenged', 'login_failed', 'login_succeeded', 'recovery_code_used', 'two_factor_disabled']) {
      assert.ok(types.includes(type as never), `${type} in ${types.join(', ')}`);
    }
    const failed = events.find((e) => e.type === 'login_failed')!;
    assert.equal(failed.detail.path, '/api/token/2fa/');
    const text = JSON.stringify(events);
    assert.ok(!text.includes(secret) && !text.includes(challenge) && !text.includes(recoveryCodes[0]!), 'no secret, challenge or code in the log');
  });
});

describe('two-factor: the login throttle counts wrong codes', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttleRates: { login_account_failures: '3/hour', login_ip: null } });
    await server.createUser('ivy', PASSWORD);
  });
  after(() => server.close());

  test('wrong codes are failed logins of the challenge\'s account: past the limit, 429, even with a right code', async () => {
    const { auth } = await server.login('ivy', PASSWORD);
    const { secret } = await enrollTotp(server, auth);
    const challenge = await challengeFor(server, 'ivy', PASSWORD);
    const wrong = totpCode(secret, server.clock.now) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) assert.equal((await server.post('/api/token/2fa/', { challenge, code: wrong })).status, 400);
    const throttled = await server.post('/api/token/2fa/', { challenge, code: totpCode(secret, server.clock.now) });
    assert.equal(throttled.status, 429, throttled.text);
    assert.ok(throttled.headers.get('retry-after'));
    assert.equal((await server.post('/api/token/', { username: 'ivy', password: PASSWORD })).status, 429, 'the password shares the account\'s budget');
  });
});

describe('two-factor: twoFactorRequiredForStaff', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttleEnabled: false, twoFactorRequiredForStaff: true });
    await server.createUser('boss', PASSWORD, { isStaff: true });
    await server.createUser('worker', PASSWORD);
  });
  after(() => server.close());

  test('staff without a second factor sign in and enroll, but the staff API answers 403 two_factor_required until they do', async () => {
    const { auth } = await server.login('boss', PASSWORD);
    const refused = await server.get('/api/admin/users/', auth);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.code, 'two_factor_required');
    assert.match(refused.json.detail, /two-factor/i);
    assert.deepEqual((await server.get('/api/2fa/', auth)).json, { totp: false, recovery_codes_left: 0, required: true });
    await enrollTotp(server, auth);
    const allowed = await server.get('/api/admin/users/', auth);
    assert.equal(allowed.status, 200, allowed.text);
    // Not staff: the staff API's own 403, and no requirement.
    const worker = await server.login('worker', PASSWORD);
    const notStaff = await server.get('/api/admin/users/', worker.auth);
    assert.equal(notStaff.status, 403);
    assert.equal(notStaff.json.code, undefined);
    assert.equal((await server.get('/api/2fa/', worker.auth)).json.required, false);
  });
});
