import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TesseraClient, TesseraHttpError } from '../../src/client/index.js';
import { browserLikeFetch, inspectableStorage } from '../support/client-fixtures.js';
import { startServer, type TestServer } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const PASSWORD = 'Ab12345678';

for (const cookies of [false, true]) {
  describe(`TesseraClient.loginWithPasskey against a real server (${cookies ? 'cookie mode' : 'tokens in the body'})`, () => {
    let server: TestServer;
    let authenticator: SoftAuthenticator;
    before(async () => {
      server = await startServer({ tokenFamilies: true, throttleEnabled: false, ...(cookies ? { authCookies: 'refresh' as const } : {}) });
      await server.createUser('alice', PASSWORD);
      authenticator = new SoftAuthenticator(server.settings.webauthnOrigins[0]!, server.settings.webauthnRpId);
      const { auth } = await server.login('alice', PASSWORD);
      const options = await server.post('/api/passkeys/register/options/', {}, auth);
      assert.equal((await server.post('/api/passkeys/register/', authenticator.create(options.json), auth)).status, 201);
    });
    after(() => server.close());

    const clientFor = () => {
      const browser = browserLikeFetch();
      const storage = inspectableStorage();
      const client = new TesseraClient({ baseUrl: server.url, fetch: browser.fetch, storage, cookies, csrfToken: () => browser.jar.get('csrftoken') ?? null, now: server.clock.read });
      return { client, browser, storage };
    };

    test('signs in with the assertion, stores the pair as login does, and names the session', async () => {
      const { client, browser, storage } = clientFor();
      const options = await client.request<{ challenge: string }>('POST', '/api/token/passkey/options/', {});
      await client.loginWithPasskey(authenticator.get(options), { deviceName: 'Node test' });
      assert.ok(await client.isSignedIn());
      const me = await client.request<{ username: string }>('GET', '/auth/users/me/');
      assert.equal(me.username, 'alice');
      if (cookies) {
        assert.equal(storage.values().refresh, 'cookie', 'the refresh token is in its cookie');
        assert.ok(browser.jar.get('__Host-tessera-refresh'));
      } else {
        assert.equal(storage.values().refresh?.split('.').length, 3);
      }
      const sessions = await client.request<Array<{ device_name: string; current: boolean }>>('GET', '/api/sessions/');
      assert.equal(sessions.find((s) => s.current)?.device_name, 'Node test');
      assert.ok(await client.refresh(), 'the session refreshes');
    });

    test('a refused assertion throws the 401 with its code and stores nothing', async () => {
      const { client, storage } = clientFor();
      const options = await client.request<{ challenge: string }>('POST', '/api/token/passkey/options/', {});
      const assertion = authenticator.get(options);
      await client.loginWithPasskey(assertion);
      const other = clientFor();
      await assert.rejects(other.client.loginWithPasskey(assertion), (error: unknown) => {
        assert.ok(error instanceof TesseraHttpError);
        assert.equal(error.status, 401);
        assert.equal(error.code, 'passkey_not_valid');
        return true;
      });
      assert.equal(await other.client.isSignedIn(), false);
      assert.ok(storage.values().access);
    });
  });
}
