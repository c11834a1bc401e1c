import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSignedIn, type TestServer } from '../support/server.js';
import { PYTHON_JSON_ERRORS } from '../fixtures/python-json-errors.js';

const NO_CREDENTIALS = { detail: 'Authentication credentials were not provided.' };

/**
 * DRF parses a body when the view reads `request.data`, after authentication, permissions and
 * throttles: what the peer answers, checked here on tessera's server.
 */
describe('a body is parsed after authentication, as DRF does', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  before(async () => {
    ({ server, auth } = await startSignedIn());
    await server.createUser('admin', 'admin');
  });
  after(() => server.close());

  test('a malformed body on a protected view: 401 without credentials, the peer\'s words with them', async () => {
    for (const [text, message] of PYTHON_JSON_ERRORS) {
      const anonymous = await server.post('/studentapi/', text);
      assert.equal(anonymous.status, 401, JSON.stringify(text));
      assert.deepEqual(anonymous.json, NO_CREDENTIALS);
      assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"');
      const answer = await server.post('/studentapi/', text, auth);
      assert.equal(answer.status, 400, JSON.stringify(text));
      assert.deepEqual(answer.json, { detail: `JSON parse error - ${message}` }, JSON.stringify(text));
    }
    // No handler ran on any of them.
    assert.deepEqual((await server.get('/studentapi/', auth)).json, []);
  });

  test('a view that never reads the body answers as if it were fine: 405 and OPTIONS', async () => {
    const post = await server.post('/api/user/', '{', auth);
    assert.equal(post.status, 405);
    assert.deepEqual(post.json, { detail: 'Method "POST" not allowed.' });
    const options = await server.request('OPTIONS', '/api/token/', { body: '{', headers: { 'content-type': 'application/json' } });
    assert.equal(options.status, 200);
    assert.equal(options.json.name, 'Token Obtain Pair');
  });

  test('a view open to all still refuses a malformed body with 400', async () => {
    const answer = await server.post('/api/token/', '{"username": "shoumitro",}');
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { detail: 'JSON parse error - Expecting property name enclosed in double quotes: line 1 column 26 (char 25)' });
  });

  test('a malformed multipart body is 401 without credentials, 400 with them', async () => {
    const anonymous = await server.post('/studentapi/', 'x', { 'content-type': 'multipart/form-data' });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, NO_CREDENTIALS);
    const answer = await server.post('/studentapi/', 'x', { ...auth, 'content-type': 'multipart/form-data' });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { detail: 'Multipart form parse error - Invalid boundary in multipart: None' });
  });

  test('well-formed JSON, urlencoded and multipart bodies still reach the view', async () => {
    const json = await server.post('/studentapi/', { name: 'A', roll: 1, city: 'X' }, auth);
    assert.equal(json.status, 201, json.text);
    const form = await server.request('POST', '/studentapi/', { body: new URLSearchParams({ name: 'B', roll: '2', city: 'Y' }), headers: auth });
    assert.equal(form.status, 201, form.text);
    const data = new FormData();
    for (const [key, value] of Object.entries({ name: 'C', roll: '3', city: 'Z' })) data.set(key, value);
    const multipart = await server.request('POST', '/studentapi/', { body: data, headers: auth });
    assert.equal(multipart.status, 201, multipart.text);
    assert.deepEqual((await server.get('/studentapi/', auth)).json.map((s: { name: string }) => s.name), ['A', 'B', 'C']);
  });

  test('the body limit still holds before authentication: 413, not read to a 401', async () => {
    const answer = await server.post('/studentapi/', `{"name": "${'x'.repeat(2 * 1024 * 1024)}"`);
    assert.equal(answer.status, 413);
    assert.deepEqual(Object.keys(answer.json), ['detail']);
  });
});
