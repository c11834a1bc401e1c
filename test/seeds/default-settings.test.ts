import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

/**
 * Seeds 001 and 003 replayed against the ready server with its default settings (nothing the
 * seeds' JWT_AUTH sets is configured), beside the guard that Simple JWT's own views still answer
 * a drf-jwt token as Simple JWT does.
 */

const CREDENTIALS = '{"username":"admin","password":"admin"}';
const CREATE_TASK = { due_to: '2016-10-18T19:12:01Z', person: 1, title: 'Next one' };

describe('seeds 001 and 003 on the default settings', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('admin', 'admin');
  });
  after(() => server.close());

  test('$ http GET 127.0.0.1:8000: the API root is public and lists studentapi, tasks and users', async () => {
    const answer = await server.get('/', { accept: 'application/json' });
    assert.equal(answer.status, 200);
    assert.equal(answer.text, JSON.stringify({
      studentapi: `${server.url}/studentapi/`, tasks: `${server.url}/tasks/`, users: `${server.url}/users/`,
    }));
    assert.equal(answer.headers.get('allow'), 'GET, HEAD, OPTIONS');
    // Credentials sent to a public view are still checked, as DRF checks them.
    const forged = await server.get('/', { authorization: 'JWT not.a.token' });
    assert.equal(forged.status, 401);
    assert.deepEqual(forged.json, { detail: 'Error decoding signature.' });
    const signedIn = await server.post('/api-auth/', CREDENTIALS);
    assert.equal((await server.get('/', { authorization: `JWT ${signedIn.json.token}` })).status, 200);
  });

  test('seed 003: auth/obtain_token/ issues orig_iat, auth/refresh_token/ refreshes it, JWT <token> writes a task', async () => {
    const obtained = await server.post('/auth/obtain_token/', CREDENTIALS);
    assert.equal(obtained.status, 200);
    const first = decodeJwt(obtained.json.token).claims;
    assert.equal(first.orig_iat, Math.floor(server.clock.now / 1000));

    server.clock.advance(60);
    const refreshed = await server.post('/auth/refresh_token/', JSON.stringify({ token: obtained.json.token }));
    assert.equal(refreshed.status, 200);
    assert.deepEqual(Object.keys(refreshed.json), ['token']);
    const second = decodeJwt(refreshed.json.token).claims;
    assert.equal(second.orig_iat, first.orig_iat);
    assert.equal(second.exp, Math.floor(server.clock.now / 1000) + server.settings.jwtExpirationDelta);

    // As in drf-jwt, only a token that has not expired is refreshed.
    server.clock.advance(server.settings.jwtExpirationDelta);
    const late = await server.post('/auth/refresh_token/', JSON.stringify({ token: obtained.json.token }));
    assert.equal(late.status, 400);
    assert.deepEqual(late.json, { non_field_errors: ['Signature has expired.'] });

    const fresh = await server.post('/auth/obtain_token/', CREDENTIALS);
    const created = await server.post('/tasks/', CREATE_TASK, { authorization: `JWT ${fresh.json.token}` });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json, { id: 1, title: 'Next one', person: 1, due_to: '2016-10-18T19:12:01Z' });
  });

  test('seed 003: api-auth/ tokens stay as the seed prints them (no orig_iat), and are not refreshable', async () => {
    const login = await server.post('/api-auth/', CREDENTIALS);
    assert.deepEqual(Object.keys(decodeJwt(login.json.token).claims).sort(), ['email', 'exp', 'user_id', 'username']);
    const refreshed = await server.post('/auth/refresh_token/', { token: login.json.token });
    assert.equal(refreshed.status, 400);
    assert.deepEqual(refreshed.json, { non_field_errors: ['orig_iat field is required.'] });
  });

  test('seed 001: jwt-auth/, then GET /api/protected/ with "Authorization: JWT <token>"', async () => {
    const anonymous = await server.get('/api/protected/');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.text, '{"detail":"Authentication credentials were not provided."}');
    assert.equal(anonymous.headers.get('www-authenticate'), 'JWT realm="api"');

    const answer = await server.post('/jwt-auth/', '{"username": "admin", "password": "admin"}');
    assert.equal(answer.status, 200);
    const me = await server.get('/api/protected/', { 'content-type': 'application/json', authorization: `JWT ${answer.json.token}` });
    assert.equal(me.status, 200);
    assert.deepEqual(me.json, { id: 1, username: 'admin' });

    assert.equal((await server.get('/api/protected/', (await server.login('admin', 'admin')).auth)).status, 200);
    const stillValid = await server.get('/api/protected/', { authorization: `JWT ${answer.json.token}` });
    assert.equal(stillValid.status, 200, 'still within its 5 minutes');
    server.clock.advance(server.settings.jwtExpirationDelta + 1);
    const late = await server.get('/api/protected/', { authorization: `JWT ${answer.json.token}` });
    assert.equal(late.status, 401);
    assert.deepEqual(late.json, { detail: 'Signature has expired.' });
    assert.equal(late.headers.get('www-authenticate'), 'JWT realm="api"');
  });

  test('Simple JWT\'s /api/user/ answers a drf-jwt token as Simple JWT does', async () => {
    const login = await server.post('/api-auth/', CREDENTIALS);
    const jwtPrefix = await server.get('/api/user/', { authorization: `JWT ${login.json.token}` });
    assert.equal(jwtPrefix.status, 401);
    assert.equal(jwtPrefix.text, '{"detail":"Authentication credentials were not provided."}');
    assert.equal(jwtPrefix.headers.get('www-authenticate'), 'Bearer realm="api"');
    const bearer = await server.get('/api/user/', { authorization: `Bearer ${login.json.token}` });
    assert.equal(bearer.status, 401);
    assert.equal(bearer.json.detail, 'Given token not valid for any token type');
    assert.equal(bearer.headers.get('www-authenticate'), 'Bearer realm="api"');
  });
});
