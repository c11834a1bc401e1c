import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../support/server.js';

const LIST_ALLOW = 'GET, POST, HEAD, OPTIONS';
const DETAIL_ALLOW = 'GET, PUT, PATCH, DELETE, HEAD, OPTIONS';

describe('/studentapi/ (seed 004\'s StudentModelViewSet)', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  const json = (extra: Record<string, string> = {}) => ({ ...auth, 'content-type': 'application/json', ...extra });
  const send = (method: string, path: string, body: unknown) =>
    server.request(method, path, { body: JSON.stringify(body), headers: json() });

  before(async () => {
    server = await startServer();
    await server.createUser('user1', '#beta123');
    const { access } = (await server.post('/gettoken/', { username: 'user1', password: '#beta123' })).json;
    auth = { authorization: `Bearer ${access}` };
  });
  after(() => server.close());

  test('without a token every method is 401 not provided, with the view\'s Allow', async () => {
    for (const [method, path, allow] of [
      ['GET', '/studentapi/', LIST_ALLOW], ['POST', '/studentapi/', LIST_ALLOW], ['GET', '/studentapi/1/', DETAIL_ALLOW],
      ['PUT', '/studentapi/1/', DETAIL_ALLOW], ['PATCH', '/studentapi/1/', DETAIL_ALLOW], ['DELETE', '/studentapi/1/', DETAIL_ALLOW],
      ['OPTIONS', '/studentapi/', LIST_ALLOW], ['DELETE', '/studentapi/', LIST_ALLOW],
    ] as const) {
      const answer = await server.request(method, path);
      assert.equal(answer.status, 401, `${method} ${path}`);
      assert.deepEqual(answer.json, { detail: 'Authentication credentials were not provided.' });
      assert.equal(answer.headers.get('allow'), allow, `${method} ${path}`);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    }
  });

  test('create (JSON, urlencoded as httpie -f, multipart), list, retrieve', async () => {
    const ronaldo = await send('POST', '/studentapi/', { name: 'ronaldo', roll: 101, city: 'Lisbon' });
    assert.equal(ronaldo.status, 201);
    assert.deepEqual(ronaldo.json, { id: 1, name: 'ronaldo', roll: 101, city: 'Lisbon' });
    assert.deepEqual(Object.keys(ronaldo.json), ['id', 'name', 'roll', 'city']);
    assert.equal(ronaldo.headers.get('allow'), LIST_ALLOW);

    const rahul = await server.request('POST', '/studentapi/', { body: new URLSearchParams({ name: 'rahul', roll: '102', city: 'Bokaro' }), headers: auth });
    assert.equal(rahul.status, 201);
    assert.deepEqual(rahul.json, { id: 2, name: 'rahul', roll: 102, city: 'Bokaro' });

    const form = new FormData();
    form.set('name', 'messi');
    form.set('roll', '103');
    form.set('city', 'argentina');
    const messi = await server.request('POST', '/studentapi/', { body: form, headers: auth });
    assert.equal(messi.status, 201);
    assert.deepEqual(messi.json, { id: 3, name: 'messi', roll: 103, city: 'argentina' });

    const list = await server.get('/studentapi/', auth);
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('allow'), LIST_ALLOW);
    assert.deepEqual(list.json, [ronaldo.json, rahul.json, messi.json]);

    const one = await server.get('/studentapi/2/', auth);
    assert.equal(one.status, 200);
    assert.equal(one.headers.get('allow'), DETAIL_ALLOW);
    assert.deepEqual(one.json, rahul.json);
  });

  test('DRF\'s field messages on create (as the peer answers)', async () => {
    const cases: [unknown, unknown][] = [
      [{ name: '', roll: 'abc' }, { name: ['This field may not be blank.'], roll: ['A valid integer is required.'], city: ['This field is required.'] }],
      [{ name: 'x'.repeat(51), roll: 1.5, city: null }, {
        name: ['Ensure this field has no more than 50 characters.'], roll: ['A valid integer is required.'], city: ['This field may not be null.'],
      }],
      [{ name: 'a', roll: true, city: 'c' }, { roll: ['A valid integer is required.'] }],
      [{}, { name: ['This field is required.'], roll: ['This field is required.'], city: ['This field is required.'] }],
      [{ name: ['a'], roll: {}, city: 7 }, { name: ['Not a valid string.'], roll: ['A valid integer is required.'] }],
    ];
    for (const [body, expected] of cases) {
      const answer = await send('POST', '/studentapi/', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.deepEqual(answer.json, expected, JSON.stringify(body));
    }
  });

  test('integer strings such as "12.0" are accepted; numbers become strings for CharFields', async () => {
    const answer = await send('POST', '/studentapi/', { name: 'a', roll: '12.0', city: 7 });
    assert.equal(answer.status, 201);
    assert.equal(answer.json.roll, 12);
    assert.equal(answer.json.city, '7');
    const name50 = await send('POST', '/studentapi/', { name: 'é'.repeat(50), roll: -5, city: '  Pune  ' });
    assert.equal(name50.status, 201);
    assert.equal(name50.json.city, 'Pune');
    await send('DELETE', `/studentapi/${answer.json.id}/`, undefined);
    await send('DELETE', `/studentapi/${name50.json.id}/`, undefined);
  });

  test('missing and non-numeric ids are 404 Not found., for every detail method', async () => {
    for (const id of ['99999', 'abc', '0', '-1', '1.5', '%20', '99999999999999999999']) {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
        const body = method === 'GET' ? undefined : JSON.stringify({ name: 'z', roll: 1, city: 'c' });
        const answer = await server.request(method, `/studentapi/${id}/`, { ...(body ? { body } : {}), headers: json() });
        assert.equal(answer.status, 404, `${method} ${id}`);
        assert.deepEqual(answer.json, { detail: 'Not found.' });
        assert.equal(answer.headers.get('allow'), DETAIL_ALLOW);
      }
    }
  });

  test('PUT requires every field; PATCH changes only what it is given', async () => {
    const created = (await send('POST', '/studentapi/', { name: 'kane', roll: 9, city: 'London' })).json;
    const path = `/studentapi/${created.id}/`;
    const partialPut = await send('PUT', path, { name: 'z' });
    assert.equal(partialPut.status, 400);
    assert.deepEqual(partialPut.json, { roll: ['This field is required.'], city: ['This field is required.'] });
    assert.deepEqual((await server.get(path, auth)).json, created, 'a refused PUT changes nothing');

    const put = await send('PUT', path, { name: 'harry', roll: 10, city: 'Munich' });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, { id: created.id, name: 'harry', roll: 10, city: 'Munich' });

    const patch = await send('PATCH', path, { city: 'Tottenham' });
    assert.equal(patch.status, 200);
    assert.deepEqual(patch.json, { id: created.id, name: 'harry', roll: 10, city: 'Tottenham' });
    const empty = await send('PATCH', path, {});
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, patch.json);
    const badPatch = await send('PATCH', path, { roll: 'ten' });
    assert.equal(badPatch.status, 400);
    assert.deepEqual(badPatch.json, { roll: ['A valid integer is required.'] });
    assert.deepEqual((await server.get(path, auth)).json, patch.json);

    const formPatch = await server.request('PATCH', path, { body: new URLSearchParams({ roll: '11' }), headers: auth });
    assert.equal(formPatch.status, 200);
    assert.equal(formPatch.json.roll, 11);
  });

  test('DELETE answers 204 with no body, then the student is gone', async () => {
    const created = (await send('POST', '/studentapi/', { name: 'gone', roll: 1, city: 'x' })).json;
    const path = `/studentapi/${created.id}/`;
    const answer = await server.request('DELETE', path, { headers: auth });
    assert.equal(answer.status, 204);
    assert.equal(answer.text, '');
    assert.equal(answer.headers.get('allow'), DETAIL_ALLOW);
    assert.equal(answer.headers.get('x-frame-options'), 'DENY');
    assert.equal((await server.get(path, auth)).status, 404);
    const again = await server.request('DELETE', path, { headers: auth });
    assert.equal(again.status, 404);
    assert.deepEqual(again.json, { detail: 'Not found.' });
  });

  test('unsupported methods are 405 with DRF\'s body and the view\'s Allow', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/studentapi/', LIST_ALLOW], ['PUT', '/studentapi/', LIST_ALLOW], ['PATCH', '/studentapi/', LIST_ALLOW],
      ['POST', '/studentapi/1/', DETAIL_ALLOW],
    ] as const) {
      const answer = await server.request(method, path, { headers: auth });
      assert.equal(answer.status, 405, `${method} ${path}`);
      assert.deepEqual(answer.json, { detail: `Method "${method}" not allowed.` });
      assert.equal(answer.headers.get('allow'), allow);
    }
  });

  test('OPTIONS (authenticated) describes the list and the instance views as the peer names them', async () => {
    const list = await server.request('OPTIONS', '/studentapi/', { headers: auth });
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('allow'), LIST_ALLOW);
    assert.deepEqual(list.json, {
      name: 'Student Model List', description: '', renders: ['application/json'],
      parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
      actions: {
        POST: {
          id: { type: 'integer', required: false, read_only: true, label: 'ID' },
          name: { type: 'string', required: true, read_only: false, label: 'Name', max_length: 50 },
          roll: { type: 'integer', required: true, read_only: false, label: 'Roll' },
          city: { type: 'string', required: true, read_only: false, label: 'City', max_length: 50 },
        },
      },
    });
    const detail = await server.request('OPTIONS', '/studentapi/1/', { headers: auth });
    assert.equal(detail.status, 200);
    assert.equal(detail.headers.get('allow'), DETAIL_ALLOW);
    assert.equal(detail.json.name, 'Student Model Instance');
  });

  test('the slashless detail URL answers the same', async () => {
    const created = (await send('POST', '/studentapi', { name: 'slash', roll: 5, city: 'x' }));
    assert.equal(created.status, 201);
    const answer = await server.get(`/studentapi/${created.json.id}`, auth);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, created.json);
  });
});
