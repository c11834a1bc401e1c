import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../support/server.js';

const LIST_ALLOW = 'GET, POST, HEAD, OPTIONS';
const DETAIL_ALLOW = 'GET, PUT, PATCH, DELETE, HEAD, OPTIONS';
const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const WRONG_FORMAT = 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].';

describe('seed 003: /tasks/ and /users/ (IsAuthenticatedOrReadOnly)', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  const send = (method: string, path: string, body: unknown, headers = auth) =>
    server.request(method, path, { body: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } });

  before(async () => {
    server = await startServer();
    await server.createUser('admin', 'admin');
    await server.createUser('other', 'other');
    const { token } = (await server.post('/api-auth/', { username: 'admin', password: 'admin' })).json;
    auth = { authorization: `JWT ${token}` };
  });
  after(() => server.close());

  test('anyone reads; writes without credentials are 401 with the Bearer challenge', async () => {
    const list = await server.get('/tasks/');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, []);
    assert.equal(list.headers.get('allow'), LIST_ALLOW);
    for (const [method, path] of [['POST', '/tasks/'], ['PUT', '/tasks/1/'], ['PATCH', '/tasks/1/'], ['DELETE', '/tasks/1/'], ['POST', '/users/'], ['DELETE', '/users/1/']]) {
      const answer = await send(method!, path!, { title: 'x' }, {});
      assert.equal(answer.status, 401, `${method} ${path}`);
      assert.deepEqual(answer.json, NOT_PROVIDED);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    }
  });

  test('create answers the task in the model\'s field order; list and retrieve show it', async () => {
    const created = await send('POST', '/tasks/', { due_to: '2016-10-18T19:12:01Z', person: 1, title: 'Next one' });
    assert.equal(created.status, 201);
    assert.equal(created.text, '{"id":1,"title":"Next one","person":1,"due_to":"2016-10-18T19:12:01Z"}');
    assert.equal(created.headers.get('allow'), LIST_ALLOW);
    const one = await server.get('/tasks/1/');
    assert.equal(one.status, 200);
    assert.deepEqual(one.json, created.json);
    assert.equal(one.headers.get('allow'), DETAIL_ALLOW);
    assert.deepEqual((await server.get('/tasks/')).json, [created.json]);
  });

  test('due_to: offsets become UTC, microseconds are kept, a naive time is UTC', async () => {
    const cases: [string, string][] = [
      ['2016-10-18T21:12:01+02:00', '2016-10-18T19:12:01Z'],
      ['2016-10-18 19:12', '2016-10-18T19:12:00Z'],
      ['2016-10-18T19:12:01.25-0130', '2016-10-18T20:42:01.250000Z'],
    ];
    for (const [given, shown] of cases) {
      const answer = await send('POST', '/tasks/', { title: 't', person: 2, due_to: given });
      assert.equal(answer.status, 201, given);
      assert.equal(answer.json.due_to, shown, given);
      assert.equal((await server.get(`/tasks/${answer.json.id}/`)).json.due_to, shown);
      await send('DELETE', `/tasks/${answer.json.id}/`, undefined);
    }
  });

  test('DRF\'s field messages, every field at once, in field order', async () => {
    const cases: [unknown, Record<string, string[]>][] = [
      [{}, { title: ['This field is required.'], person: ['This field is required.'], due_to: ['This field is required.'] }],
      [{ title: 'x'.repeat(101), person: 99, due_to: 'tomorrow' }, {
        title: ['Ensure this field has no more than 100 characters.'], person: ['Invalid pk "99" - object does not exist.'], due_to: [WRONG_FORMAT],
      }],
      [{ title: 'a', person: '99', due_to: '2016-02-30T10:00Z' }, { person: ['Invalid pk "99" - object does not exist.'], due_to: [WRONG_FORMAT] }],
      [{ title: 'a', person: 'admin', due_to: 5 }, { person: ['Incorrect type. Expected pk value, received str.'], due_to: [WRONG_FORMAT] }],
      [{ title: 'a', person: true, due_to: null }, { person: ['Incorrect type. Expected pk value, received bool.'], due_to: ['This field may not be null.'] }],
      [{ title: 'a', person: [1], due_to: '0001-01-01T00:00+01:00' }, { person: ['Incorrect type. Expected pk value, received list.'], due_to: ['Datetime value out of range.'] }],
      [{ title: 'a', person: null, due_to: '2016-10-18' }, { person: ['This field may not be null.'], due_to: [WRONG_FORMAT] }],
    ];
    for (const [body, expected] of cases) {
      const answer = await send('POST', '/tasks/', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.deepEqual(answer.json, expected, JSON.stringify(body));
      assert.deepEqual(Object.keys(answer.json), Object.keys(expected), JSON.stringify(body));
    }
  });

  test('a form post (httpie -f) with a string pk', async () => {
    const answer = await server.request('POST', '/tasks/', { body: new URLSearchParams({ title: 'form', person: '2', due_to: '2020-01-02T03:04:05Z' }), headers: auth });
    assert.equal(answer.status, 201);
    assert.deepEqual(answer.json, { id: answer.json.id, title: 'form', person: 2, due_to: '2020-01-02T03:04:05Z' });
    await send('DELETE', `/tasks/${answer.json.id}/`, undefined);
  });

  test('update, partial update and destroy', async () => {
    const put = await send('PUT', '/tasks/1/', { title: 'Renamed', person: 2, due_to: '2017-01-01T00:00:00Z' });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, { id: 1, title: 'Renamed', person: 2, due_to: '2017-01-01T00:00:00Z' });
    const incomplete = await send('PUT', '/tasks/1/', { title: 'only' });
    assert.equal(incomplete.status, 400);
    assert.deepEqual(incomplete.json, { person: ['This field is required.'], due_to: ['This field is required.'] });
    const patch = await send('PATCH', '/tasks/1/', { person: 1 });
    assert.equal(patch.status, 200);
    assert.deepEqual(patch.json, { id: 1, title: 'Renamed', person: 1, due_to: '2017-01-01T00:00:00Z' });
    assert.deepEqual((await server.get('/tasks/1/')).json, patch.json);
    const gone = await send('POST', '/tasks/', { title: 'bye', person: 1, due_to: '2017-01-01T00:00Z' });
    const deleted = await send('DELETE', `/tasks/${gone.json.id}/`, undefined);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assert.equal((await server.get(`/tasks/${gone.json.id}/`)).status, 404);
    for (const id of ['999', 'abc']) {
      const missing = await server.get(`/tasks/${id}/`);
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, { detail: 'Not found.' });
    }
  });

  test('/users/ lists each user\'s task ids and never a password hash; writes are 405 once signed in', async () => {
    const extra = await send('POST', '/tasks/', { title: 'second', person: 1, due_to: '2017-01-01T00:00Z' });
    const list = await server.get('/users/');
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('allow'), 'GET, HEAD, OPTIONS');
    assert.deepEqual(list.json, [
      { id: 1, username: 'admin', email: 'admin@example.com', tasks: [1, extra.json.id] },
      { id: 2, username: 'other', email: 'other@example.com', tasks: [] },
    ]);
    assert.doesNotMatch(list.text, /argon2|pbkdf2|password/);
    const one = await server.get('/users/2/');
    assert.deepEqual(one.json, { id: 2, username: 'other', email: 'other@example.com', tasks: [] });
    assert.equal((await server.get('/users/9/')).status, 404);
    const create = await send('POST', '/users/', { username: 'x', password: 'y' });
    assert.equal(create.status, 405);
    assert.deepEqual(create.json, { detail: 'Method "POST" not allowed.' });
    assert.equal((await send('DELETE', '/users/2/', undefined)).status, 405);
    assert.equal((await server.get('/users/2/')).status, 200);
  });

  test('tokens of either kind, after either prefix, may write; other tokens may not', async () => {
    const { access, refresh } = await server.login('other', 'other');
    const { token } = (await server.post('/auth-jwt/', { username: 'other', password: 'other' })).json;
    for (const header of [`Bearer ${access}`, `JWT ${access}`, `JWT ${token}`, `Bearer ${token}`]) {
      const answer = await send('POST', '/tasks/', { title: 'mine', person: 2, due_to: '2017-01-01T00:00Z' }, { authorization: header });
      assert.equal(answer.status, 201, header.slice(0, 12));
    }
    const refused = await send('POST', '/tasks/', { title: 'x', person: 2, due_to: '2017-01-01T00:00Z' }, { authorization: `Bearer ${refresh}` });
    assert.equal(refused.status, 401);
    assert.equal(refused.json.messages[0].message, 'Token has wrong type');
    // An undecodable token gets the answer of the class whose scheme it came with.
    const garbage = await send('POST', '/tasks/', { title: 'x', person: 2, due_to: '2017-01-01T00:00Z' }, { authorization: 'JWT abc' });
    assert.equal(garbage.status, 401);
    assert.deepEqual(garbage.json, { detail: 'Error decoding signature.' });
    const bearerGarbage = await send('POST', '/tasks/', { title: 'x', person: 2, due_to: '2017-01-01T00:00Z' }, { authorization: 'Bearer abc' });
    assert.equal(bearerGarbage.status, 401);
    assert.equal(bearerGarbage.json.detail, 'Given token not valid for any token type');
    const spaces = await send('POST', '/tasks/', {}, { authorization: `JWT ${token} x` });
    assert.equal(spaces.status, 401);
    assert.deepEqual(spaces.json, { detail: 'Invalid Authorization header. Credentials string should not contain spaces.' });
  });
});

/** Seed 003's `create_task.json` byte for byte: its trailing comma makes it malformed JSON. */
const CREATE_TASK_JSON = '{\n  "due_to": "2016-10-18T19:12:01Z",\n  "person": 1,\n  "title": "Next one",\n}\n';
const NO_CREDENTIALS = { detail: 'Authentication credentials were not provided.' };

// DRF parses a body after authentication (test/contract/lazy-body-parse.test.ts); here with the seed's own file.
describe('seed 003: a malformed task body is parsed after authentication', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('admin', 'admin');
  });
  after(() => server.close());

  test("seed 003: POST create_task.json without a token is 401, as on Django; with one, Python's parse error", async () => {
    const anonymous = await server.post('/tasks/', CREATE_TASK_JSON);
    assert.equal(anonymous.status, 401, anonymous.text);
    assert.deepEqual(anonymous.json, NO_CREDENTIALS);
    const login = await server.post('/api-auth/', { username: 'admin', password: 'admin' });
    const withToken = await server.post('/tasks/', CREATE_TASK_JSON, { authorization: `JWT ${login.json.token}` });
    assert.equal(withToken.status, 400);
    assert.deepEqual(withToken.json, { detail: 'JSON parse error - Expecting property name enclosed in double quotes: line 5 column 1 (char 76)' });
    assert.deepEqual((await server.get('/tasks/')).json, []);
  });
});
