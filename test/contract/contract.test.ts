import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSignedIn, type Answer, type TestServer } from '../support/server.js';

const SECURITY = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  vary: 'Accept',
};

function assertSecurityHeaders(answer: Answer, label: string): void {
  for (const [name, value] of Object.entries(SECURITY)) assert.equal(answer.headers.get(name), value, `${label}: ${name}`);
}

const PARSES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

describe('the HTTP contract every answer keeps', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  before(async () => {
    ({ server, auth } = await startSignedIn());
  });
  after(() => server.close());

  test('security headers and JSON content type on 200, 201, 400, 401, 404, 405, 415 answers; never a 500', async () => {
    const answers: [string, Answer, number][] = [
      ['token 200', await server.post('/api/token/', { username: 'shoumitro', password: 'Ab12345678' }), 200],
      ['user 200', await server.get('/api/user/', auth), 200],
      ['student 201', await server.post('/studentapi/', { name: 'a', roll: 1, city: 'b' }, auth), 201],
      ['token 400', await server.post('/api/token/', {}), 400],
      ['user 401', await server.get('/api/user/'), 401],
      ['token 401', await server.post('/api/token/', { username: 'x', password: 'y' }), 401],
      ['unknown 404', await server.get('/no/such/thing/'), 404],
      ['student 404', await server.get('/studentapi/777/', auth), 404],
      ['token 405', await server.get('/api/token/'), 405],
      ['token 415', await server.post('/api/token/', 'x', { 'content-type': 'text/plain' }), 415],
      ['options 200', await server.request('OPTIONS', '/api/token/'), 200],
    ];
    for (const [label, answer, status] of answers) {
      assert.equal(answer.status, status, `${label}: ${answer.text}`);
      assertSecurityHeaders(answer, label);
      assert.equal(answer.headers.get('content-type'), 'application/json', label);
      assert.equal(typeof answer.json, 'object', label);
    }
  });

  test('401s carry WWW-Authenticate; 400, 403-free, 404 and 405 do not', async () => {
    assert.equal((await server.get('/api/user/')).headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.equal((await server.post('/api/token/', {})).headers.get('www-authenticate'), null);
    assert.equal((await server.get('/nowhere/')).headers.get('www-authenticate'), null);
    assert.equal((await server.get('/api/token/')).headers.get('www-authenticate'), null);
  });

  test('405: DRF\'s body and the view\'s Allow for each token URL and each wrong method', async () => {
    for (const path of ['/api/token/', '/api/token/refresh/', '/api/token/verify/', '/api/token/blacklist/', '/gettoken/', '/refreshtoken/', '/verifytoken/']) {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
        const answer = await server.request(method, path);
        assert.equal(answer.status, 405, `${method} ${path}`);
        assert.deepEqual(answer.json, { detail: `Method "${method}" not allowed.` });
        assert.equal(answer.headers.get('allow'), 'POST, OPTIONS');
        assertSecurityHeaders(answer, `${method} ${path}`);
      }
    }
    const post = await server.request('POST', '/api/user/', { headers: auth });
    assert.equal(post.status, 405);
    assert.deepEqual(post.json, { detail: 'Method "POST" not allowed.' });
    assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });

  test('405 on a protected view comes after authentication (DRF\'s initial() order)', async () => {
    const answer = await server.request('DELETE', '/api/user/');
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Authentication credentials were not provided.' });
    assert.equal(answer.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });

  test('OPTIONS metadata for the token views: name, description, renders, parses, the POST fields (open to all)', async () => {
    const obtain = await server.request('OPTIONS', '/api/token/');
    assert.equal(obtain.status, 200);
    assert.equal(obtain.headers.get('allow'), 'POST, OPTIONS');
    assert.deepEqual(obtain.json, {
      name: 'Token Obtain Pair',
      description: 'Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.',
      renders: ['application/json'],
      parses: PARSES,
      actions: {
        POST: {
          username: { type: 'string', required: true, read_only: false, label: 'Username' },
          password: { type: 'string', required: true, read_only: false, label: 'Password' },
          // tessera's addition (sessions name their device); the peer has no such field.
          device_name: { type: 'string', required: false, read_only: false, label: 'Device name', max_length: 200 },
        },
      },
    });
    const names: Record<string, string> = {
      '/api/token/refresh/': 'Token Refresh', '/refreshtoken/': 'Token Refresh',
      '/api/token/verify/': 'Token Verify', '/verifytoken/': 'Token Verify',
      '/api/token/blacklist/': 'Token Blacklist', '/gettoken/': 'Token Obtain Pair',
    };
    for (const [path, name] of Object.entries(names)) {
      const answer = await server.request('OPTIONS', path);
      assert.equal(answer.status, 200, path);
      assert.equal(answer.json.name, name, path);
      assert.deepEqual(answer.json.parses, PARSES);
      assert.deepEqual(Object.keys(answer.json.actions), ['POST'], path);
    }
  });

  test('OPTIONS on a protected view needs authentication, as in DRF', async () => {
    const anonymous = await server.request('OPTIONS', '/api/user/');
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, { detail: 'Authentication credentials were not provided.' });
    assert.equal(anonymous.headers.get('allow'), 'GET, HEAD, OPTIONS');
    const signedIn = await server.request('OPTIONS', '/api/user/', { headers: auth });
    assert.equal(signedIn.status, 200);
    assert.equal(signedIn.json.name, 'User');
  });

  test('HEAD answers the GET headers with no body', async () => {
    const head = await server.request('HEAD', '/api/user/', { headers: auth });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers.get('allow'), 'GET, HEAD, OPTIONS');
    assert.equal(head.headers.get('content-type'), 'application/json');
    assertSecurityHeaders(head, 'HEAD');
    const anonymous = await server.request('HEAD', '/api/user/');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"');
    const students = await server.request('HEAD', '/studentapi/', { headers: auth });
    assert.equal(students.status, 200);
    assert.equal(students.headers.get('allow'), 'GET, POST, HEAD, OPTIONS');
  });

  test('a slashless URL answers exactly as the slashed one', async () => {
    const pairs: [string, string, () => Promise<Answer>, () => Promise<Answer>][] = [
      ['POST', '/api/token', () => server.post('/api/token', {}), () => server.post('/api/token/', {})],
      ['GET', '/api/user', () => server.get('/api/user'), () => server.get('/api/user/')],
      ['GET', '/api/user (auth)', () => server.get('/api/user', auth), () => server.get('/api/user/', auth)],
      ['GET', '/api/token', () => server.get('/api/token'), () => server.get('/api/token/')],
      ['POST', '/api/token/verify', () => server.post('/api/token/verify', { token: 'x' }), () => server.post('/api/token/verify/', { token: 'x' })],
      ['OPTIONS', '/gettoken', () => server.request('OPTIONS', '/gettoken'), () => server.request('OPTIONS', '/gettoken/')],
    ];
    for (const [method, label, slashless, slashed] of pairs) {
      const [a, b] = [await slashless(), await slashed()];
      assert.equal(a.status, b.status, `${method} ${label}`);
      assert.deepEqual(a.json, b.json, `${method} ${label}`);
      assert.equal(a.headers.get('allow'), b.headers.get('allow'), `${method} ${label}`);
      assert.ok(a.status < 300 || a.status >= 400, 'no redirect');
    }
  });

  test('unknown URLs get JSON {"detail":"Not found."} for any method, with no Allow', async () => {
    for (const [method, path] of [['GET', '/nope/'], ['POST', '/api/tokens/'], ['DELETE', '/api/'], ['OPTIONS', '/x'], ['GET', '/api/token/extra/']]) {
      const answer = await server.request(method!, path!);
      assert.equal(answer.status, 404, `${method} ${path}`);
      assert.deepEqual(answer.json, { detail: 'Not found.' });
      assert.equal(answer.headers.get('allow'), null);
      assertSecurityHeaders(answer, `${method} ${path}`);
    }
  });

  test('a query string does not change the answer', async () => {
    const answer = await server.get('/api/user/?format=json&x=1', auth);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { id: 1, username: 'shoumitro' });
    const obtain = await server.post('/api/token/?next=/', { username: 'shoumitro', password: 'Ab12345678' });
    assert.equal(obtain.status, 200);
  });
});
