import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type Answer, type TestServer } from '../support/server.js';
import { enrollTotp, totpCode, type Enrolled } from '../support/totp.js';

const PASSWORD = 'Ab12345678';
const basic = (userpass: string) => `Basic ${Buffer.from(userpass).toString('base64')}`;

function cookiesOf(answer: Answer): Record<string, string> {
  return Object.fromEntries(answer.headers.getSetCookie().map((line) => line.split(';')[0]!.split('=') as [string, string]));
}

describe('two-factor: every view that starts a session from a password goes through the challenge (the ready server)', () => {
  let server: TestServer;
  let enrolled: Enrolled;
  /** A code for the current step, one step further each call (each code is good once). */
  const nextCode = () => {
    server.clock.advance(30);
    return totpCode(enrolled.secret, server.clock.now);
  };
  const challenged = (answer: Answer): string => {
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(Object.keys(answer.json).sort(), ['challenge', 'expires_in', 'methods'], answer.text);
    return answer.json.challenge;
  };
  before(async () => {
    server = await startServer({ throttleEnabled: false, authenticationClasses: ['jwt', 'session', 'token', 'basic'], authTokenClasses: ['access', 'sliding'] });
    await server.createUser('ann', PASSWORD);
    await server.createUser('bob', PASSWORD);
    enrolled = await enrollTotp(server, (await server.login('ann', PASSWORD)).auth);
  });
  after(() => server.close());

  test('sliding, drf-jwt, DRF authtoken and seed 002\'s login answer the challenge, and its answer gives their token', async () => {
    const sliding = await server.post('/api/token/2fa/', { challenge: challenged(await server.post('/api/token/sliding/', { username: 'ann', password: PASSWORD })), code: nextCode() });
    assert.deepEqual(Object.keys(sliding.json), ['token'], sliding.text);
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${sliding.json.token}` })).json.username, 'ann');

    const drfJwt = await server.post('/api/token/2fa/', { challenge: challenged(await server.post('/jwt-auth/', { username: 'ann', password: PASSWORD })), code: nextCode() });
    assert.deepEqual(Object.keys(drfJwt.json), ['token'], drfJwt.text);
    assert.equal((await server.get('/api/protected/', { authorization: `JWT ${drfJwt.json.token}` })).json.username, 'ann');

    const authtoken = await server.post('/api/token/2fa/', { challenge: challenged(await server.post('/api-token-auth/', { username: 'ann', password: PASSWORD })), code: nextCode() });
    assert.match(authtoken.json.token, /^[0-9a-f]{40}$/, authtoken.text);

    const seed002 = await server.post('/api/token/2fa/', { challenge: challenged(await server.post('/api/login', { username: 'ann', password: PASSWORD })), code: nextCode() });
    assert.deepEqual(Object.keys(seed002.json).sort(), ['access', 'refresh'], seed002.text);

    // Users without a second factor: the views answer as before.
    assert.deepEqual(Object.keys((await server.post('/api/token/sliding/', { username: 'bob', password: PASSWORD })).json), ['token']);
    assert.match((await server.post('/api-token-auth/', { username: 'bob', password: PASSWORD })).json.token, /^[0-9a-f]{40}$/);
  });

  test('DRF\'s session login: the challenge first (no sessionid), then the session after the CSRF check', async () => {
    const csrf = await server.get('/api-auth/csrf/');
    const headers = { cookie: `csrftoken=${cookiesOf(csrf).csrftoken}`, 'x-csrftoken': csrf.json.csrfToken };
    const first = await server.post('/api-auth/login/', { username: 'ann', password: PASSWORD }, headers);
    const challenge = challenged(first);
    assert.equal(cookiesOf(first).sessionid, undefined, 'no session before the second factor');
    const noCsrf = await server.post('/api/token/2fa/', { challenge, code: nextCode() });
    assert.equal(noCsrf.status, 403, noCsrf.text);
    const done = await server.post('/api/token/2fa/', { challenge, code: totpCode(enrolled.secret, server.clock.now) }, headers);
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(done.json, { detail: 'Logged in.' });
    const session = cookiesOf(done);
    assert.ok(session.sessionid);
    const me = await server.get('/api/user/', { cookie: `sessionid=${session.sessionid}` });
    assert.equal(me.json.username, 'ann');
  });

  test('Basic authentication refuses a user with a second factor (it cannot carry one); others as before', async () => {
    const refused = await server.get('/api/user/', { authorization: basic(`ann:${PASSWORD}`) });
    assert.equal(refused.status, 401, refused.text);
    assert.equal(refused.json.code, 'two_factor_required');
    const bob = await server.get('/api/user/', { authorization: basic(`bob:${PASSWORD}`) });
    assert.equal(bob.json.username, 'bob');
  });
});
