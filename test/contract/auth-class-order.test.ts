import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { IsAuthenticated } from '../../src/auth/index.js';
import { createPasswordHashers } from '../../src/crypto/index.js';
import { buildServer } from '../../src/server/index.js';
import { loadSettings } from '../../src/settings/index.js';
import { startServer, TEST_SIGNING_KEY, type Answer, type TestServer } from '../support/server.js';

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const STUDENT = { name: 'Ann', roll: 1, city: 'Dhaka' };
const basic = (userpass: string) => `Basic ${Buffer.from(userpass).toString('base64')}`;

/** Logs in through the session views; answers the Cookie header and the CSRF token to send. */
async function sessionFor(server: TestServer, username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const csrf = await server.get('/api-auth/csrf/');
  const first = cookiesOf(csrf);
  const login = await server.post('/api-auth/login/', { username, password }, { cookie: `csrftoken=${first.csrftoken}`, 'x-csrftoken': csrf.json.csrfToken });
  assert.equal(login.status, 200);
  const cookies = cookiesOf(login);
  return { cookie: `sessionid=${cookies.sessionid}; csrftoken=${cookies.csrftoken}`, csrf: cookies.csrftoken! };
}

function cookiesOf(answer: Answer): Record<string, string> {
  return Object.fromEntries(answer.headers.getSetCookie().map((line) => line.split(';')[0]!.split('=') as [string, string]));
}

describe('[session, basic]: session first, so failures are 403', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['session', 'basic'] });
    await server.createUser('ann', 'ann-password-1');
  });
  after(() => server.close());

  test('no credentials and wrong Basic credentials answer 403 without a challenge', async () => {
    const anonymous = await server.get('/api/user/');
    assert.equal(anonymous.status, 403);
    assert.deepEqual(anonymous.json, NOT_PROVIDED);
    assert.equal(anonymous.headers.get('www-authenticate'), null);
    const wrong = await server.get('/api/user/', { authorization: basic('ann:nope') });
    assert.equal(wrong.status, 403);
    assert.deepEqual(wrong.json, { detail: 'Invalid username/password.' });
  });

  test('either class authenticates; CSRF applies only to the session-authenticated request', async () => {
    assert.equal((await server.post('/studentapi/', STUDENT, { authorization: basic('ann:ann-password-1') })).status, 201);
    const { cookie, csrf } = await sessionFor(server, 'ann', 'ann-password-1');
    assert.deepEqual((await server.get('/api/user/', { cookie })).json, { id: 1, username: 'ann' });
    const noToken = await server.post('/studentapi/', STUDENT, { cookie });
    assert.equal(noToken.status, 403);
    assert.deepEqual(noToken.json, { detail: 'CSRF Failed: CSRF token missing.' });
    assert.equal((await server.post('/studentapi/', STUDENT, { cookie, 'x-csrftoken': csrf })).status, 201);
  });

  test('TESSERA_AUTHENTICATION_CLASSES=session,basic gives this order', () => {
    const settings = loadSettings({ env: { TESSERA_AUTHENTICATION_CLASSES: 'session,basic' }, cwd: server.dir });
    assert.deepEqual(settings.authenticationClasses, ['session', 'basic']);
  });
});

describe('[basic, session]: Basic first, so failures are 401 with its challenge', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['basic', 'session'] });
    await server.createUser('ann', 'ann-password-1');
  });
  after(() => server.close());

  test('the challenge is Basic\'s', async () => {
    const anonymous = await server.get('/api/user/');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="api"');
  });

  test('a session still works, and a CSRF failure is 403 whatever the order', async () => {
    const { cookie, csrf } = await sessionFor(server, 'ann', 'ann-password-1');
    assert.equal((await server.get('/studentapi/', { cookie })).status, 200);
    const forged = await server.post('/studentapi/', STUDENT, { cookie });
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.get('www-authenticate'), null);
    assert.equal((await server.post('/studentapi/', STUDENT, { cookie, 'x-csrftoken': csrf })).status, 201);
  });
});

describe('[token, jwt] and [jwt, token]: the first class names the scheme', () => {
  let tokenFirst: TestServer;
  let jwtFirst: TestServer;
  before(async () => {
    tokenFirst = await startServer({ authenticationClasses: ['token', 'jwt'] });
    jwtFirst = await startServer({ authenticationClasses: ['jwt', 'token'] });
    for (const server of [tokenFirst, jwtFirst]) {
      await server.createUser('ann', 'ann-password-1');
      await server.createUser('sleeper', 'sleeper-password-1', { isActive: false });
    }
  });
  after(async () => {
    await tokenFirst.close();
    await jwtFirst.close();
  });

  test('challenges', async () => {
    assert.equal((await tokenFirst.get('/api/user/')).headers.get('www-authenticate'), 'Token');
    assert.equal((await jwtFirst.get('/api/user/')).headers.get('www-authenticate'), 'Bearer realm="api"');
    const badToken = await jwtFirst.get('/api/user/', { authorization: `Token ${'0'.repeat(40)}` });
    assert.equal(badToken.status, 401);
    assert.deepEqual(badToken.json, { detail: 'Invalid token.' });
    assert.equal(badToken.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  test('both schemes reach the seeds\' views in both orders', async () => {
    for (const server of [tokenFirst, jwtFirst]) {
      const key = (await server.post('/api-token-auth/', { username: 'ann', password: 'ann-password-1' })).json.token;
      const { access } = await server.login('ann', 'ann-password-1');
      for (const authorization of [`Token ${key}`, `Bearer ${access}`]) {
        assert.deepEqual((await server.get('/api/user/', { authorization })).json, { id: 1, username: 'ann' });
        assert.equal((await server.post('/studentapi/', STUDENT, { authorization })).status, 201);
      }
    }
  });

  test('inactive users are refused by both', async () => {
    const sleeper = await tokenFirst.store.users.findByUsername('sleeper');
    const { token } = await tokenFirst.store.authTokens.getOrCreate(sleeper!.id, new Date());
    const answer = await tokenFirst.get('/api/user/', { authorization: `Token ${token.key}` });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'User inactive or deleted.' });
    const noPair = await tokenFirst.post('/api/token/', { username: 'sleeper', password: 'sleeper-password-1' });
    assert.equal(noPair.status, 401);
  });
});

describe('per-route authentication classes (config.authentication)', () => {
  let app: FastifyInstance;
  let url: string;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
    const settings = loadSettings({
      cwd: dir,
      overrides: { databaseUrl: `sqlite:${join(dir, 'db.sqlite3')}`, dataDir: dir, signingKey: TEST_SIGNING_KEY, logLevel: 'silent' },
    });
    ({ app } = await buildServer({ settings, logger: false }));
    app.get('/basic-only/', { config: { permission: IsAuthenticated, authentication: ['basic'] } }, async (request) => ({ user: request.user!.username }));
    app.get('/session-then-token/', { config: { permission: IsAuthenticated, authentication: ['session', 'token'] } }, async (request) => ({ user: request.user!.username }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    const hashers = createPasswordHashers();
    const user = await app.tessera.store.users.create({ username: 'ann', password: await hashers.hash('ann-password-1') });
    await app.tessera.store.authTokens.getOrCreate(user.id, new Date());
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a route\'s own list decides its classes and its challenge, whatever the settings say', async () => {
    assert.deepEqual(app.tessera.settings.authenticationClasses, ['jwt']);
    const anonymous = await fetch(`${url}/basic-only/`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="api"');
    const ok = await fetch(`${url}/basic-only/`, { headers: { authorization: basic('ann:ann-password-1') } });
    assert.deepEqual(await ok.json(), { user: 'ann' });
    // The global class (JWT) is not on this route: a Basic-only route ignores Bearer.
    assert.equal((await fetch(`${url}/basic-only/`, { headers: { authorization: 'Bearer x.y.z' } })).status, 401);

    const key = (await app.tessera.store.authTokens.findByUser(1))!.key;
    const sessionFirst = await fetch(`${url}/session-then-token/`);
    assert.equal(sessionFirst.status, 403);
    assert.equal(sessionFirst.headers.get('www-authenticate'), null);
    const byToken = await fetch(`${url}/session-then-token/`, { headers: { authorization: `Token ${key}` } });
    assert.deepEqual(await byToken.json(), { user: 'ann' });
    // The global settings are unchanged: the seeds' view still wants a JWT.
    assert.equal((await fetch(`${url}/api/user/`, { headers: { authorization: basic('ann:ann-password-1') } })).status, 401);
  });
});
