import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSignedIn, type TestServer } from '../support/server.js';

const CREDENTIALS = { username: 'shoumitro', password: 'Ab12345678' };

describe('bad input never breaks the server', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  before(async () => {
    ({ server, auth } = await startSignedIn());
    await server.createUser('Jürgen', 'pässwörd-ß');
    await server.createUser('用户', '密码Ab12345678');
    await server.post('/studentapi/', { name: 'ronaldo', roll: 101, city: 'Lisbon' }, auth);
  });
  after(() => server.close());

  test('malformed JSON is 400 {"detail":"JSON parse error - ..."}', async () => {
    for (const body of ['{bad', '{"username": "x",}', '{"a":1', 'undefined', "{'a':1}", '  ', '\n']) {
      const answer = await server.post('/api/token/', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.deepEqual(Object.keys(answer.json), ['detail']);
      assert.match(answer.json.detail, /^JSON parse error - /, JSON.stringify(body));
    }
  });

  test('an empty body reads as no fields', async () => {
    const answer = await server.post('/api/token/', '');
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, { username: ['This field is required.'], password: ['This field is required.'] });
    const none = await server.request('POST', '/api/token/');
    assert.equal(none.status, 400);
    assert.deepEqual(none.json, { username: ['This field is required.'], password: ['This field is required.'] });
  });

  test('JSON that is not an object: DRF\'s non_field_errors with Python\'s type name', async () => {
    const cases: [string, string][] = [
      ['[1,2]', 'Invalid data. Expected a dictionary, but got list.'],
      ['[]', 'Invalid data. Expected a dictionary, but got list.'],
      ['"text"', 'Invalid data. Expected a dictionary, but got str.'],
      ['3', 'Invalid data. Expected a dictionary, but got int.'],
      ['3.5', 'Invalid data. Expected a dictionary, but got float.'],
      ['true', 'Invalid data. Expected a dictionary, but got bool.'],
      ['null', 'No data provided'],
    ];
    for (const path of ['/api/token/', '/api/token/refresh/', '/api/token/verify/', '/api/token/blacklist/']) {
      for (const [body, message] of cases) {
        const answer = await server.post(path, body);
        assert.equal(answer.status, 400, `${path} ${body}`);
        assert.deepEqual(answer.json, { non_field_errors: [message] }, `${path} ${body}`);
      }
    }
    const students = await server.post('/studentapi/', '[{"name":"a"}]', auth);
    assert.equal(students.status, 400);
    assert.deepEqual(students.json, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  test('field values of the wrong type, as the peer answers them', async () => {
    const cases: [unknown, unknown][] = [
      [{ username: 123, password: { a: 1 } }, { password: ['Not a valid string.'] }],
      [{ username: [1], password: true }, { username: ['Not a valid string.'], password: ['Not a valid string.'] }],
      [{ username: null, password: '   ' }, { username: ['This field may not be null.'], password: ['This field may not be blank.'] }],
      [{ username: '', password: '' }, { username: ['This field may not be blank.'], password: ['This field may not be blank.'] }],
      [{ username: 'a\u0000b', password: '\ud800' }, { username: ['Null characters are not allowed.'], password: ['Surrogate characters are not allowed: U+D800.'] }],
      [{ username: 'x', password: 'a\udfffb' }, { password: ['Surrogate characters are not allowed: U+DFFF.'] }],
    ];
    for (const [body, expected] of cases) {
      const answer = await server.post('/api/token/', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.deepEqual(answer.json, expected, JSON.stringify(body));
    }
    // A number username is a string to DRF: it is simply not found.
    const numeric = await server.post('/api/token/', { username: 123, password: 'x' });
    assert.equal(numeric.status, 401);
    assert.deepEqual(numeric.json, { detail: 'No active account found with the given credentials' });
  });

  test('unicode usernames and passwords log in; surrounding whitespace is trimmed, inner case is not folded', async () => {
    assert.equal((await server.post('/api/token/', { username: 'Jürgen', password: 'pässwörd-ß' })).status, 200);
    assert.equal((await server.post('/api/token/', { username: '用户', password: '密码Ab12345678' })).status, 200);
    assert.equal((await server.post('/api/token/', { username: ' shoumitro ', password: 'Ab12345678' })).status, 200);
    assert.equal((await server.post('/api/token/', { username: 'SHOUMITRO', password: 'Ab12345678' })).status, 401);
    const form = await server.request('POST', '/api/token/', { body: new URLSearchParams({ username: 'Jürgen', password: 'pässwörd-ß' }) });
    assert.equal(form.status, 200);
  });

  test('very long fields: 4xx, never 500', async () => {
    const long = 'x'.repeat(100_000);
    const login = await server.post('/api/token/', { username: long, password: long });
    assert.equal(login.status, 401);
    const verify = await server.post('/api/token/verify/', { token: long });
    assert.equal(verify.status, 401);
    assert.deepEqual(verify.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    const student = await server.post('/studentapi/', { name: long, roll: '9'.repeat(2000), city: 'c' }, auth);
    assert.equal(student.status, 400);
    assert.deepEqual(student.json, { name: ['Ensure this field has no more than 50 characters.'], roll: ['String value too large.'] });
    const huge = await server.post('/studentapi/', { name: 'a', roll: 1e300, city: 'c' }, auth);
    assert.equal(huge.status, 400);
    assert.equal(Object.keys(huge.json)[0], 'roll');
  });

  test('a body just under 1 MB is a 4xx answer, not a 500', async () => {
    const body = JSON.stringify({ username: 'u'.repeat(1024 * 1024 - 100), password: 'x' });
    assert.ok(body.length < 1024 * 1024);
    const answer = await server.post('/api/token/', body);
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'No active account found with the given credentials' });
  });

  test('a 2 MB body is 413 with a DRF-shaped detail, in JSON, urlencoded and multipart', async () => {
    const big = 'u'.repeat(2 * 1024 * 1024);
    const json = await server.post('/api/token/', JSON.stringify({ username: big, password: 'x' }));
    assert.equal(json.status, 413);
    assert.deepEqual(Object.keys(json.json), ['detail']);
    assert.equal(typeof json.json.detail, 'string');
    assert.equal(json.headers.get('x-frame-options'), 'DENY');
    const form = await server.request('POST', '/api/token/', { body: new URLSearchParams({ username: big, password: 'x' }) });
    assert.equal(form.status, 413);
    assert.equal(typeof form.json.detail, 'string');
    const data = new FormData();
    data.set('username', big);
    data.set('password', 'x');
    const multipart = await server.request('POST', '/api/token/', { body: data });
    assert.equal(multipart.status, 413);
    assert.equal(typeof multipart.json.detail, 'string');
  });

  test('a 60 KB token in the body and in the Authorization header: 401 DRF-shaped, not 431/500', async () => {
    const token = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${'A'.repeat(60 * 1024)}.sig`;
    const body = await server.post('/api/token/verify/', { token });
    assert.equal(body.status, 401);
    assert.deepEqual(body.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    const refresh = await server.post('/api/token/refresh/', { refresh: token });
    assert.equal(refresh.status, 401);
    const header = await server.get('/api/user/', { authorization: `Bearer ${token}` });
    assert.equal(header.status, 401);
    assert.deepEqual(header.json, {
      detail: 'Given token not valid for any token type', code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
    });
    assert.equal(header.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  test('tokens whose parts are not base64 JSON objects are invalid, never 500', async () => {
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    for (const token of [
      `${header}.${b64([1, 2])}.x`, `${header}.${b64('null')}.x`, `${header}.${b64('not json')}.x`, `${b64('[]')}.${b64({})}.x`,
      '\u00e9.\u00e9.\u00e9', '.', '..', `${header}..`,
    ]) {
      const verify = await server.post('/api/token/verify/', { token });
      assert.equal(verify.status, 401, token);
      const auth401 = await server.get('/api/user/', { authorization: `Bearer ${encodeURIComponent(token)}` });
      assert.equal(auth401.status, 401, token);
    }
  });

  test('unsupported content types are 415 with the type quoted as sent', async () => {
    for (const type of ['text/plain', 'application/xml', 'text/plain; charset=utf-8', 'application/json-patch+json']) {
      const answer = await server.post('/api/token/', '{"username":"shoumitro","password":"Ab12345678"}', { 'content-type': type });
      assert.equal(answer.status, 415, type);
      assert.deepEqual(answer.json, { detail: `Unsupported media type "${type}" in request.` });
      assert.equal(answer.headers.get('allow'), 'POST, OPTIONS');
    }
    const students = await server.post('/studentapi/', 'name=a', { ...auth, 'content-type': 'text/csv' });
    assert.equal(students.status, 415);
    assert.deepEqual(students.json, { detail: 'Unsupported media type "text/csv" in request.' });
  });

  test('JSON with a charset parameter is still JSON', async () => {
    const answer = await server.post('/api/token/', CREDENTIALS, { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(answer.status, 200);
  });

  test('__proto__ and constructor.prototype keys are refused and pollute nothing', async () => {
    for (const body of [
      '{"__proto__": {"isStaff": true, "username": "shoumitro"}, "password": "Ab12345678"}',
      '{"constructor": {"prototype": {"isStaff": true}}, "username": "x", "password": "y"}',
    ]) {
      const answer = await server.post('/api/token/', body);
      assert.equal(answer.status, 400, body);
      assert.ok(answer.json && typeof answer.json === 'object', body);
    }
    const form = await server.request('POST', '/api/token/', { body: '__proto__[username]=shoumitro&password=Ab12345678', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.ok(form.status === 400 || form.status === 401, String(form.status));
    const multipart = new FormData();
    multipart.set('__proto__', 'x');
    multipart.set('password', 'Ab12345678');
    const mp = await server.request('POST', '/api/token/', { body: multipart });
    assert.ok(mp.status >= 400 && mp.status < 500, String(mp.status));
    assert.equal(({} as Record<string, unknown>).isStaff, undefined);
    assert.equal(({} as Record<string, unknown>).username, undefined);
  });

  test('a malformed multipart body is 400, not 500', async () => {
    const answer = await server.post('/api/token/', '--xyz\r\nContent-Disposition: form-data; name="username"\r\n\r\nshoumitro', {
      'content-type': 'multipart/form-data; boundary=xyz',
    });
    assert.ok(answer.status >= 400 && answer.status < 500, `${answer.status} ${answer.text}`);
    const noBoundary = await server.post('/api/token/', 'x', { 'content-type': 'multipart/form-data' });
    assert.equal(noBoundary.status, 400, noBoundary.text);
    assert.deepEqual(noBoundary.json, { detail: 'Multipart form parse error - Invalid boundary in multipart: None' });
  });

  test('after all of this the server answers and the data is intact', async () => {
    const login = await server.post('/api/token/', CREDENTIALS);
    assert.equal(login.status, 200);
    const list = await server.get('/studentapi/', { authorization: `Bearer ${login.json.access}` });
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, [{ id: 1, name: 'ronaldo', roll: 101, city: 'Lisbon' }]);
    assert.equal(await server.store.users.count(), 3);
    const user = await server.store.users.findByUsername('shoumitro');
    assert.equal(user?.isStaff, false);
  });
});
