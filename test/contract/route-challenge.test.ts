import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../support/server.js';

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };

/**
 * DRF challenges a 401 with the first authentication class of the VIEW, not of the settings: seed
 * 001's `/api/protected/` (drf-jwt first, a route of each example's own framework) says
 * `JWT realm="api"` while the settings' routes say theirs, on every adapter.
 */
for (const [classes, settingsChallenge] of [[['jwt', 'session'], 'Bearer realm="api"'], [['basic', 'jwt'], 'Basic realm="api"']] as const) {
  describe(`a route's own classes give its challenge (settings: ${classes.join(', ')})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ authenticationClasses: [...classes] });
      await server.createUser('ann', 'ann-password-1');
    });
    after(() => server.close());

    test('no credentials: the route challenges with drf-jwt, the settings\' routes with theirs', async () => {
      const own = await server.get('/api/protected/');
      assert.equal(own.status, 401);
      assert.deepEqual(own.json, NOT_PROVIDED);
      assert.equal(own.headers.get('www-authenticate'), 'JWT realm="api"');
      const settings = await server.get('/api/user/');
      assert.equal(settings.status, 401);
      assert.equal(settings.headers.get('www-authenticate'), settingsChallenge);
    });

    test('a refused credential: still the route\'s challenge', async () => {
      for (const authorization of ['JWT not.a.token', 'Bearer not.a.token']) {
        const refused = await server.get('/api/protected/', { authorization });
        assert.equal(refused.status, 401, authorization);
        assert.equal(refused.headers.get('www-authenticate'), 'JWT realm="api"', authorization);
      }
    });

    test('a Simple JWT access token (its second class) is taken', async () => {
      const login = await server.post('/api/token/', { username: 'ann', password: 'ann-password-1' });
      assert.equal(login.status, 200);
      const me = await server.get('/api/protected/', { authorization: `Bearer ${login.json.access}` });
      assert.equal(me.status, 200);
      assert.deepEqual(me.json, { id: 1, username: 'ann' });
    });
  });
}
