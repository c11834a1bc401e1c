import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type Answer, type TestServer } from '../support/server.js';

const PASSWORD = 'tessera-pass-42';
const REFRESH = '__Host-tessera-refresh';

function setCookies(answer: Answer): Map<string, string> {
  return new Map(answer.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1, line.indexOf(';'))]));
}

/** Cookie or body per request (`X-Tessera-Transport`): browsers and native clients on one server. */
for (const authCookies of ['off', 'refresh'] as const) {
  describe(`X-Tessera-Transport with authCookies "${authCookies}"`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ authCookies, rotateRefreshTokens: true, blacklistAfterRotation: true });
      await server.createUser('alice', PASSWORD);
    });
    after(() => server.close());

    test('cookie: the refresh token goes into its HttpOnly cookie, and refresh and logout take it from there with CSRF', async () => {
      const login = await server.post('/api/token/', { username: 'alice', password: PASSWORD }, { 'x-tessera-transport': 'cookie' });
      assert.equal(login.status, 200, login.text);
      assert.deepEqual(Object.keys(login.json), ['access']);
      const cookies = setCookies(login);
      const refresh = cookies.get(REFRESH)!;
      const csrf = cookies.get('csrftoken')!;
      assert.ok(refresh && csrf);
      const browser = { cookie: `${REFRESH}=${refresh}; csrftoken=${csrf}`, 'x-csrftoken': csrf, 'x-tessera-transport': 'cookie' };
      const refreshed = await server.request('POST', '/api/token/refresh/', { headers: browser });
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.deepEqual(Object.keys(refreshed.json), ['access']);
      const successor = setCookies(refreshed).get(REFRESH)!;
      assert.ok(successor && successor !== refresh, 'the rotated token comes back in the cookie');
      // Without the CSRF header a cookie is not enough.
      const forged = await server.request('POST', '/api/token/refresh/', { headers: { cookie: `${REFRESH}=${successor}; csrftoken=${csrf}`, 'x-tessera-transport': 'cookie' } });
      assert.equal(forged.status, 403, forged.text);
      const logout = await server.request('POST', '/api/token/blacklist/', { headers: { ...browser, cookie: `${REFRESH}=${successor}; csrftoken=${csrf}` } });
      assert.equal(logout.status, 200, logout.text);
      assert.match(logout.headers.getSetCookie().join('\n'), /__Host-tessera-refresh=""; expires=Thu, 01 Jan 1970/);
    });

    test('body: Simple JWT\'s pair in the body, no cookie, and the refresh token required in the body', async () => {
      const login = await server.post('/api/token/', { username: 'alice', password: PASSWORD }, { 'x-tessera-transport': 'body' });
      assert.equal(login.status, 200, login.text);
      assert.deepEqual(Object.keys(login.json).sort(), ['access', 'refresh']);
      assert.deepEqual(login.headers.getSetCookie(), []);
      const refreshed = await server.post('/api/token/refresh/', { refresh: login.json.refresh }, { 'x-tessera-transport': 'body' });
      assert.deepEqual(Object.keys(refreshed.json).sort(), ['access', 'refresh']);
      const missing = await server.post('/api/token/refresh/', {}, { 'x-tessera-transport': 'body' });
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.json, { refresh: ['This field is required.'] });
    });

    test('without the header the setting decides; another value is a 400 naming the two', async () => {
      const login = await server.post('/api/token/', { username: 'alice', password: PASSWORD });
      assert.equal('refresh' in login.json, authCookies === 'off');
      const bad = await server.post('/api/token/', { username: 'alice', password: PASSWORD }, { 'x-tessera-transport': 'pigeon' });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.json, { detail: 'X-Tessera-Transport must be "cookie" or "body".' });
    });
  });
}
