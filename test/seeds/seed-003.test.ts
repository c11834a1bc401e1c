import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

/**
 * Replays seed 003's httpie session (tasks, drf-jwt's `api-auth/`, registration with a signed
 * activation link) and seed 001's djangorestframework-jwt curl session, as the seeds print them.
 */

/** httpie's `http POST url key=value ...`: a JSON object of strings. */
const httpie = (server: TestServer, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  server.post(path, fields, { accept: 'application/json, */*;q=0.5', ...headers });

/** `create_task.json` as the seed shows it, trailing comma and all, fixed to be JSON. */
const CREATE_TASK = { due_to: '2016-10-18T19:12:01Z', person: 1, title: 'Next one' };

describe('seed 003 (httpie): tasks, api-auth, registration and activation', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('admin', 'admin');
  });
  after(() => server.close());

  test('$ http GET 127.0.0.1:8000/tasks/ answers the list to anyone', async () => {
    const answer = await server.get('/tasks/');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, []);
  });

  test('$ http POST 127.0.0.1:8000/tasks/ < create_task.json: Authentication credentials were not provided.', async () => {
    const answer = await server.post('/tasks/', CREATE_TASK);
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Authentication credentials were not provided.' });
  });

  test('$ http POST api-auth/, then POST /tasks/ with "Authorization: JWT <token>" answers the task', async () => {
    const login = await httpie(server, '/api-auth/', { username: 'admin', password: 'admin' });
    assert.equal(login.status, 200);
    assert.deepEqual(Object.keys(login.json), ['token']);
    const { claims } = decodeJwt(login.json.token);
    assert.deepEqual(Object.keys(claims).sort(), ['email', 'exp', 'user_id', 'username']);
    assert.equal(claims.user_id, 1);
    assert.equal(claims.username, 'admin');

    // The seed's task is its fifth.
    for (let i = 1; i <= 4; i++) {
      await server.post('/tasks/', { ...CREATE_TASK, title: `task ${i}` }, { authorization: `JWT ${login.json.token}` });
    }
    const created = await server.post('/tasks/', CREATE_TASK, { authorization: `JWT ${login.json.token}` });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json, { due_to: '2016-10-18T19:12:01Z', id: 5, person: 1, title: 'Next one' });
  });

  test('$ http POST api-register/, GET the confirmation_url: ["User Activated"]; later: Signature has expired.', async () => {
    const registered = await httpie(server, '/api-register/', { username: 'user_name', password: 'your_pass', email: 'your.email@abc.com' });
    assert.equal(registered.status, 201);
    assert.deepEqual(Object.keys(registered.json), ['confirmation_url']);
    const url = new URL(registered.json.confirmation_url);
    assert.equal(url.origin, 'http://127.0.0.1:8000');
    assert.match(url.pathname, /^\/api-activate\/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+\/$/);

    const activated = await server.get(url.pathname);
    assert.equal(activated.status, 200);
    assert.deepEqual(activated.json, ['User Activated']);
    assert.equal((await httpie(server, '/api-auth/', { username: 'user_name', password: 'your_pass' })).status, 200);

    server.clock.advance(server.settings.passwordResetTimeout + 1);
    const expired = await server.get(url.pathname);
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.json, { detail: 'Signature has expired.' });
  });
});

describe('seed 003\'s first project (curl): djangorestframework-jwt with its JWT_AUTH (Bearer prefix, refresh on, 1 h)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      authenticationClasses: ['drf-jwt'], jwtAuthHeaderPrefix: 'Bearer', jwtAllowRefresh: true,
      jwtExpirationDelta: 3600, jwtRefreshExpirationDelta: 7 * 24 * 3600,
    });
    await server.createUser('your_username', 'your_password');
  });
  after(() => server.close());

  test('GET JWT Token, REFRESH Token, Consume Endpoint', async () => {
    // $ curl -X POST -H "Content-Type: application/json" -d '{...}' http://<host>/auth/obtain_token
    const obtained = await server.post('/auth/obtain_token', '{"username":"your_username","password":"your_password"}');
    assert.equal(obtained.status, 200);
    const first = decodeJwt(obtained.json.token).claims;
    assert.equal(first.exp, Math.floor(server.clock.now / 1000) + 3600);
    assert.equal(first.orig_iat, Math.floor(server.clock.now / 1000));

    // $ curl -X POST -H "Content-Type: application/json" -d '{"token":"<EXISTING_TOKEN>"}' .../auth/refresh_token/
    server.clock.advance(1800);
    const refreshed = await server.post('/auth/refresh_token/', JSON.stringify({ token: obtained.json.token }));
    assert.equal(refreshed.status, 200);
    assert.deepEqual(Object.keys(refreshed.json), ['token']);
    assert.equal(decodeJwt(refreshed.json.token).claims.exp, Math.floor(server.clock.now / 1000) + 3600);
    assert.equal(decodeJwt(refreshed.json.token).claims.orig_iat, first.orig_iat);

    // $ http POST 127.0.0.1:8000/api/customers/ 'Authorization: Bearer <jwt-token>' (here: a protected view)
    const consumed = await server.get('/api/user/', { authorization: `Bearer ${refreshed.json.token}` });
    assert.equal(consumed.status, 200);
    assert.deepEqual(consumed.json, { id: 1, username: 'your_username' });
    const anonymous = await server.get('/api/user/');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"');
  });
});

describe('seed 001 (curl): auth-jwt/, auth-jwt-refresh/, auth-jwt-verify/ and jwt-auth/ with the JWT prefix', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['drf-jwt'] });
    await server.createUser('myusername', 'mypass');
  });
  after(() => server.close());

  test('$ curl --request POST --url http://localhost:8000/jwt-auth/ ... {"token": "YOUR_JWT_TOKEN"}', async () => {
    const answer = await server.post('/jwt-auth/', '{"username": "myusername", "password": "mypass"}');
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.json), ['token']);
    const protectedAnswer = await server.get('/api/user/', { 'content-type': 'application/json', authorization: `JWT ${answer.json.token}` });
    assert.equal(protectedAnswer.status, 200);
    assert.deepEqual(protectedAnswer.json, { id: 1, username: 'myusername' });
    const verified = await server.post('/auth-jwt-verify/', { token: answer.json.token });
    assert.deepEqual(verified.json, { token: answer.json.token });
    // JWT_ALLOW_REFRESH is off by default: the token has no orig_iat.
    const refreshed = await server.post('/auth-jwt-refresh/', { token: answer.json.token });
    assert.equal(refreshed.status, 400);
    assert.deepEqual(refreshed.json, { non_field_errors: ['orig_iat field is required.'] });
  });

  test('credentials of nobody registered: Unable to log in with provided credentials.', async () => {
    const answer = await server.post('/auth-jwt/', '{"username": "someone", "password": "else"}');
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { non_field_errors: ['Unable to log in with provided credentials.'] });
  });
});
