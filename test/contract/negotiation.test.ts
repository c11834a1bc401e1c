import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { negotiate } from '../../src/contract/index.js';
import { startServer, type TestServer } from '../support/server.js';

describe('content negotiation (DRF, one JSON renderer)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('seed 000 asks for "application/json; indent=4" and gets 4-space JSON', async () => {
    const answer = await server.post('/api/token/', { username: 'shoumitro', password: 'Ab12345678' }, { accept: 'application/json; indent=4' });
    assert.equal(answer.status, 200);
    assert.match(answer.text, /^\{\n {4}"refresh": "eyJ/);
    assert.equal(answer.headers.get('content-type'), 'application/json');
  });

  test('an Accept no JSON renderer satisfies is 406, before authentication', async () => {
    const answer = await server.get('/api/user/', { accept: 'application/xml' });
    assert.equal(answer.status, 406);
    assert.deepEqual(answer.json, { detail: 'Could not satisfy the request Accept header.' });
    assert.equal(answer.headers.get('www-authenticate'), null);
  });

  test('browsers and wildcards get JSON', async () => {
    for (const accept of ['*/*', 'text/html,application/xhtml+xml,*/*;q=0.8', 'application/*', 'application/json']) {
      const answer = await server.get('/api/user/', { accept });
      assert.equal(answer.status, 401, accept);
      assert.equal(answer.text, '{"detail":"Authentication credentials were not provided."}');
    }
  });

  test('negotiate: q=0 excludes a range, indent is clamped to 0..8', () => {
    assert.throws(() => negotiate('application/json;q=0'), /Accept header/);
    assert.deepEqual(negotiate('application/json; indent=20'), { indent: 8 });
    assert.deepEqual(negotiate('application/json; indent=x'), { indent: null });
    assert.deepEqual(negotiate(undefined), { indent: null });
    for (const accept of ['*/*', 'application/json', '', '  ']) assert.deepEqual(negotiate(accept), { indent: null }, accept);
    assert.throws(() => (negotiate('*/*') as { indent: number | null }).indent = 4, TypeError, 'the shared compact answer cannot be changed by one caller');
  });
});
