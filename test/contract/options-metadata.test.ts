import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSignedIn, type TestServer } from '../support/server.js';

const PARSES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];
/** StudentSerializer's fields as the peer's OPTIONS lists them. */
const STUDENT_FIELDS = {
  id: { type: 'integer', required: false, read_only: true, label: 'ID' },
  name: { type: 'string', required: true, read_only: false, label: 'Name', max_length: 50 },
  roll: { type: 'integer', required: true, read_only: false, label: 'Roll' },
  city: { type: 'string', required: true, read_only: false, label: 'City', max_length: 50 },
};

/** DRF's SimpleMetadata on OPTIONS, as the peer answers it for seed 004's `/studentapi/`. */
describe('OPTIONS answers DRF\'s metadata, actions included', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  before(async () => {
    ({ server, auth } = await startSignedIn());
  });
  after(() => server.close());

  test('anonymous OPTIONS on /studentapi/ is 401, as on the peer', async () => {
    const answer = await server.request('OPTIONS', '/studentapi/');
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Authentication credentials were not provided.' });
    assert.equal(answer.headers.get('allow'), 'GET, POST, HEAD, OPTIONS');
  });

  test('authenticated OPTIONS on /studentapi/ lists POST\'s fields: type, required, read_only, label, max_length', async () => {
    const answer = await server.request('OPTIONS', '/studentapi/', { headers: auth });
    assert.equal(answer.status, 200);
    assert.equal(answer.text, JSON.stringify({
      name: 'Student Model List', description: '', renders: ['application/json'], parses: PARSES, actions: { POST: STUDENT_FIELDS },
    }));
  });

  test('the detail view lists PUT\'s fields; a GET-only view lists none', async () => {
    const detail = await server.request('OPTIONS', '/studentapi/1/', { headers: auth });
    assert.equal(detail.status, 200);
    assert.deepEqual(detail.json.actions, { PUT: STUDENT_FIELDS });
    const user = await server.request('OPTIONS', '/api/user/', { headers: auth });
    assert.equal(user.status, 200);
    assert.equal('actions' in user.json, false);
  });

  test('a view open to all lists its fields to anyone: the token view\'s POST', async () => {
    const answer = await server.request('OPTIONS', '/api/token/');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json.actions.POST.username, { type: 'string', required: true, read_only: false, label: 'Username' });
    assert.deepEqual(answer.json.actions.POST.password, { type: 'string', required: true, read_only: false, label: 'Password' });
  });

  test('a read-only field is never taken from the body', async () => {
    const created = await server.post('/studentapi/', { id: 77, name: 'A', roll: 1, city: 'X' }, auth);
    assert.equal(created.status, 201);
    assert.notEqual(created.json.id, 77);
    const changed = await server.request('PATCH', `/studentapi/${created.json.id}/`, {
      body: JSON.stringify({ id: 'not even a number' }), headers: { ...auth, 'content-type': 'application/json' },
    });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.json, created.json);
  });
});
