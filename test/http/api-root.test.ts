import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSignedIn, type TestServer } from '../support/server.js';

// The ready server's example API (seed 003's router); the adapters' shared contract is in test/contract/.
describe('the ready server\'s API root', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  before(async () => {
    ({ server, auth } = await startSignedIn());
  });
  after(() => server.close());

  test('the API root (DefaultRouter) lists the students, tasks and users URLs', async () => {
    const answer = await server.get('/', auth);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { studentapi: `${server.url}/studentapi/`, tasks: `${server.url}/tasks/`, users: `${server.url}/users/` });
  });
});
