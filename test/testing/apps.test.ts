import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { tessera as tesseraPlugin, IsAuthenticated } from '../../src/http/index.js';
import { tesseraExpress } from '../../src/express/index.js';
import { loginAs, type TestTessera } from '../../src/testing/index.js';
import { openKit } from './engine.js';

// loginAs as an application's tests use it: a tiny Fastify app through `inject`, and a tiny
// Express app listening, called with fetch (what supertest would send: plain headers).

async function fastifyApp(kit: TestTessera): Promise<FastifyInstance> {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  await app.register(tesseraPlugin, { tessera: kit.tessera });
  app.get('/api/me/', { config: { permission: IsAuthenticated } }, async (request) => ({ username: request.user!.username }));
  await app.ready();
  return app;
}

describe('loginAs on a Fastify app (inject)', () => {
  let kit: TestTessera;
  let app: FastifyInstance;
  before(async () => {
    kit = await openKit();
    app = await fastifyApp(kit);
  });
  after(async () => {
    await app?.close();
    await kit?.close();
  });

  test('gives the headers inject passes; the app finds its own tessera', async () => {
    const ann = await kit.createUser({ username: 'ann' });
    const login = await loginAs(app, ann);
    assert.deepEqual(Object.keys(login.headers), ['authorization']);
    assert.deepEqual(login.cookies, {});
    const answer = await app.inject({ method: 'GET', url: '/api/me/', headers: login.headers, cookies: login.cookies });
    assert.equal(answer.statusCode, 200);
    assert.deepEqual(answer.json(), { username: 'ann' });
    assert.equal((await app.inject({ method: 'GET', url: '/api/me/' })).statusCode, 401);
    // The pair is a login's: its refresh token refreshes.
    const refreshed = await app.inject({ method: 'POST', url: '/api/token/refresh/', payload: { refresh: login.refresh } });
    assert.equal(refreshed.statusCode, 200);
  });

  test('an inactive or deleted user is refused as with a real login', async () => {
    const gone = await kit.createUser({ username: 'gone', isActive: false });
    const login = await loginAs(app, gone);
    const answer = await app.inject({ method: 'GET', url: '/api/me/', headers: login.headers });
    assert.equal(answer.statusCode, 401);
    assert.equal(answer.json().code, 'user_inactive');
  });
});

describe('loginAs on a Fastify app in cookie mode (authCookies: both)', () => {
  let kit: TestTessera;
  let app: FastifyInstance;
  before(async () => {
    kit = await openKit({ authCookies: 'both' });
    app = await fastifyApp(kit);
  });
  after(async () => {
    await app?.close();
    await kit?.close();
  });

  test('its cookies alone authenticate, and refresh passes Django\'s CSRF check with its header', async () => {
    const ann = await kit.createUser({ username: 'ann' });
    const login = await loginAs(app, ann);
    assert.deepEqual(Object.keys(login.cookies).sort(), ['__Host-tessera-access', '__Host-tessera-refresh', 'csrftoken']);
    const byCookie = await app.inject({ method: 'GET', url: '/api/me/', cookies: login.cookies });
    assert.equal(byCookie.statusCode, 200);
    const csrf = { 'x-csrftoken': login.headers['x-csrftoken']! };
    const refreshed = await app.inject({ method: 'POST', url: '/api/token/refresh/', cookies: login.cookies, headers: csrf, payload: {} });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    assert.ok(refreshed.json().access);
    const forged = await app.inject({ method: 'POST', url: '/api/token/refresh/', cookies: login.cookies, payload: {} });
    assert.equal(forged.statusCode, 403);
  });
});

describe('loginAs on an Express app (plain headers, as supertest would set them)', () => {
  let kit: TestTessera;
  let server: Server;
  let url: string;
  let app: express.Express;
  before(async () => {
    kit = await openKit({ authCookies: 'refresh' });
    const auth = tesseraExpress(kit.tessera);
    app = express();
    app.use(auth.router);
    app.get('/api/me/', auth.authenticate(), (request, response) => { response.json({ username: request.user!.username }); });
    app.use(auth.notFound);
    app.use(auth.errors);
    server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await kit?.close();
  });

  test('its headers (Authorization, and the cookie mode\'s Cookie and X-CSRFToken) work over HTTP', async () => {
    const ann = await kit.createUser({ username: 'ann' });
    const login = await kit.loginAs(app, ann);
    assert.match(login.headers.authorization!, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(login.headers.cookie!, /__Host-tessera-refresh=[\w.-]+; csrftoken=\w+/);
    const me = await fetch(`${url}/api/me/`, { headers: login.headers });
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), { username: 'ann' });
    assert.equal((await fetch(`${url}/api/me/`)).status, 401);
    // The refresh token travels in the cookie, as a browser's login left it.
    const refreshed = await fetch(`${url}/api/token/refresh/`, {
      method: 'POST', headers: { ...login.headers, 'content-type': 'application/json' }, body: '{}',
    });
    assert.equal(refreshed.status, 200, await refreshed.clone().text());
    assert.ok(((await refreshed.json()) as { access?: string }).access);
  });

  test('without the tessera an Express app cannot be signed in for, and says so', async () => {
    await assert.rejects(loginAs(app, { id: 1, username: 'ann' }), /loginAs: pass \{ tessera \}/);
    await assert.rejects(kit.loginAs(null as unknown as object, { id: 1, username: 'ann' }), /loginAs: the target is a Fastify app/);
    await assert.rejects(kit.loginAs(app, { username: 'ann' } as never), /a user is a User row or \{ id, username, \.\.\. \}/);
  });
});
