import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { createPasswordHashers, createTessera, loadSettings, type Tessera } from '../../src/index.js';
import { Fresh, IsAdminUser, IsAuthenticated, tesseraExpress, type TesseraExpress } from '../../src/express/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { readAnswer, TEST_SIGNING_KEY } from '../support/server.js';

/**
 * What the Express adapter adds beyond the shared contract (test/contract/ runs on it too): its
 * middleware on an application's own routes, a body parser mounted before it, and the throttle
 * and audit log on its views.
 */
describe('tessera/express on an application\'s own routes', () => {
  let dir: string;
  let database: TestDatabase;
  let tessera: Tessera;
  let auth: TesseraExpress;
  let server: Server;
  let url: string;
  let access: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-express-'));
    database = await createTestDatabase(dir);
    const settings = loadSettings({
      cwd: dir,
      overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, throttleRates: { login_ip: '5/min' } },
    });
    tessera = createTessera({ settings });
    await tessera.migrate();
    const hashers = createPasswordHashers();
    await tessera.store.users.create({ username: 'shoumitro', email: 's@example.com', password: await hashers.hash('Ab12345678') });
    auth = tesseraExpress(tessera);
    const app = express();
    // A body parser before tessera's router: its views take the parsed body.
    app.use(express.json());
    app.use(auth.router);
    app.get('/api/hello/', auth.authenticate(), (request, response) => {
      response.json({ hello: request.user!.username, token: request.auth!.payload.token_type });
    });
    app.get('/api/staff/', auth.authenticate(IsAdminUser), (_request, response) => { response.json({ ok: true }); });
    app.get('/api/recent/', auth.authenticate(Fresh(3600)), (_request, response) => { response.json({ ok: true }); });
    // Routes naming their own classes: a refusal challenges with theirs, not the settings' (jwt).
    app.get('/api/basic-only/', auth.authenticate(IsAuthenticated, { authentication: ['basic'] }), (_request, response) => { response.json({ ok: true }); });
    app.get('/api/session-only/', auth.authenticate(IsAuthenticated, { authentication: ['session'] }), (_request, response) => { response.json({ ok: true }); });
    app.get('/api/broken/', () => { throw new Error('a secret detail /etc/passwd'); });
    app.use(auth.notFound);
    app.use(auth.errors);
    server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    access = (await post('/api/token/', { username: 'shoumitro', password: 'Ab12345678' })).json.access;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await auth.close();
    await tessera.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
    readAnswer(await fetch(`${url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }));
  const get = async (path: string, headers: Record<string, string> = {}) => readAnswer(await fetch(`${url}${path}`, { headers }));

  test('authenticate() sets req.user and req.auth; refusals are DRF\'s 401 with the challenge', async () => {
    const hello = await get('/api/hello/', { authorization: `Bearer ${access}` });
    assert.equal(hello.status, 200);
    assert.deepEqual(hello.json, { hello: 'shoumitro', token: 'access' });
    const anonymous = await get('/api/hello/');
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, { detail: 'Authentication credentials were not provided.' });
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.equal(anonymous.headers.get('x-content-type-options'), 'nosniff');
    const forged = await get('/api/hello/', { authorization: `Bearer ${access.slice(0, -4)}AAAA` });
    assert.equal(forged.status, 401);
    assert.equal(forged.json.code, 'token_not_valid');
  });

  test('a route\'s own authentication classes challenge its 401, as DRF\'s view does (not the settings\' first class)', async () => {
    const basic = await get('/api/basic-only/');
    assert.equal(basic.status, 401);
    assert.deepEqual(basic.json, { detail: 'Authentication credentials were not provided.' });
    assert.equal(basic.headers.get('www-authenticate'), 'Basic realm="api"');
    // (A wrong password would spend one of the login throttle's 5/min the next test counts on.)
    assert.equal((await get('/api/basic-only/', { authorization: `Basic ${Buffer.from('shoumitro:Ab12345678').toString('base64')}` })).status, 200);
    // Session has no challenge: DRF answers 403, and says nothing of Bearer.
    const session = await get('/api/session-only/', { authorization: `Bearer ${access}` });
    assert.equal(session.status, 403);
    assert.deepEqual(session.json, { detail: 'Authentication credentials were not provided.' });
    assert.equal(session.headers.get('www-authenticate'), null);
  });

  test('a permission refuses with DRF\'s 403', async () => {
    const staff = await get('/api/staff/', { authorization: `Bearer ${access}` });
    assert.equal(staff.status, 403);
    assert.deepEqual(staff.json, { detail: 'You do not have permission to perform this action.' });
  });

  test('authenticate(Fresh(3600)): a login this hour passes; a two-hour-old one is 403 reauthentication_required', async () => {
    assert.deepEqual((await get('/api/recent/', { authorization: `Bearer ${access}` })).json, { ok: true });
    const { codec, settings } = tessera.tokenContext;
    const claims = codec.decode(access);
    const stale = codec.encode({ ...claims, [settings.jtiClaim]: 'b'.repeat(32), auth_time: Number(claims.auth_time) - 7200 });
    const refused = await get('/api/recent/', { authorization: `Bearer ${stale}` });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.json, { detail: 'This action needs a recent login; re-authenticate with your password.', code: 'reauthentication_required' });
  });

  test('an error of the application is a 500 with a fixed message, no stack and no detail', async () => {
    const broken = await get('/api/broken/');
    assert.equal(broken.status, 500);
    assert.deepEqual(broken.json, { detail: 'A server error occurred.' });
    assert.doesNotMatch(broken.text, /passwd|at .*\.ts/);
  });

  test('with express.json() first: its parse error is a DRF-shaped 400, and the views take its body', async () => {
    const malformed = await post('/api/token/', '{"username": ');
    assert.equal(malformed.status, 400);
    assert.equal(typeof malformed.json.detail, 'string');
    assert.equal((await post('/api/token/', { username: 'shoumitro', password: 'Ab12345678' })).status, 200);
  });

  test('the login throttle holds under a burst, and logins are audited', async () => {
    const attempts = await Promise.all(Array.from({ length: 12 }, () => post('/api/token/', { username: 'shoumitro', password: 'wrong' })));
    const statuses = attempts.map((answer) => answer.status);
    assert.equal(statuses.filter((status) => status === 401).length, 5, statuses.join(','));
    const throttled = attempts.find((answer) => answer.status === 429)!;
    assert.match(throttled.json.detail, /^Request was throttled\. Expected available in \d+ seconds?\.$/);
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
    await tessera.audit.flush();
    const failed = await tessera.audit.list({ type: 'login_failed' });
    assert.equal(failed.length, 5);
    assert.ok((await tessera.audit.list({ type: 'login_succeeded' })).length >= 1);
  });
});
