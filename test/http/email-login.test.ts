import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPasswordHashers } from '../../src/crypto/index.js';
import { startServer, type TestServer } from '../support/server.js';

const PASSWORD = 'tessera-pass-42';

describe("loginField: 'email' on the ready server: drf-jwt's obtain views and the API docs", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ loginField: 'email' });
    await server.store.users.create({ username: 'ann', email: 'Ann@Example.com', password: await createPasswordHashers().hash(PASSWORD) });
  });
  after(() => server.close());

  test("drf-jwt's obtain takes `email` (its get_username_field()), in any case", async () => {
    for (const url of ['/api-auth/', '/jwt-auth/', '/auth/obtain_token/']) {
      const answer = await server.post(url, { email: 'ann@example.COM', password: PASSWORD });
      assert.equal(answer.status, 200, `${url}: ${answer.text}`);
      assert.deepEqual(Object.keys(answer.json), ['token']);
      const byName = await server.post(url, { username: 'ann', password: PASSWORD });
      assert.deepEqual([byName.status, byName.json], [400, { email: ['This field is required.'] }], url);
      const wrong = await server.post(url, { email: 'ann@example.com', password: 'wrong' });
      assert.deepEqual([wrong.status, wrong.json], [400, { non_field_errors: ['Unable to log in with provided credentials.'] }], url);
    }
  });

  test('the OpenAPI document asks the token views for `email`, not `username`', async () => {
    const doc = (await server.get('/openapi.json')).json;
    for (const path of ['/api/token/', '/auth/jwt/create/', '/api-auth/']) {
      const schema = doc.paths[path].post.requestBody.content['application/json'].schema;
      const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
      assert.ok(resolved.properties.email, `${path}: ${JSON.stringify(resolved)}`);
      assert.equal(resolved.properties.username, undefined, path);
      assert.ok(resolved.required.includes('email'), path);
    }
    assert.ok(doc.paths['/auth/users/set_email/'], 'set_email/ is documented');
  });
});

describe("loginField: 'username' (the default) serves no set_email/ and documents `username`", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('the default is unchanged', async () => {
    const doc = (await server.get('/openapi.json')).json;
    const schema = doc.paths['/api/token/'].post.requestBody.content['application/json'].schema;
    const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
    assert.deepEqual(Object.keys(resolved.properties).slice(0, 2), ['username', 'password']);
    assert.equal(doc.paths['/auth/users/set_email/'], undefined);
    assert.equal((await server.post('/auth/users/set_email/', {})).status, 404);
  });
});
