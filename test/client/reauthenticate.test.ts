import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isReauthenticationRequired, TesseraClient, TesseraHttpError } from '../../src/client/index.js';
import { browserLikeFetch, inspectableStorage, REFRESH_CALL } from '../support/client-fixtures.js';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Ab12345678';
/** Past the default freshLoginMaxAge (600 s): the login is stale. */
const STALE_AFTER = 601;
const STALE_BODY = { detail: 'This action needs a recent login; re-authenticate with your password.', code: 'reauthentication_required' };
const REFRESH_COOKIE = '__Host-tessera-refresh';

const claimsOf = (token: string | null) => decodeJwt(token!).claims;

interface Session { id: number; current: boolean }

for (const cookies of [false, true]) {
  describe(`TesseraClient.reauthenticate against a real server (${cookies ? 'cookie mode' : 'tokens in the body'})`, () => {
    let server: TestServer;
    const serverSecond = () => Math.floor(server.clock.now / 1000);
    before(async () => {
      server = await startServer({
        tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false,
        ...(cookies ? { authCookies: 'refresh' as const } : {}),
      });
      await server.createUser('alice', PASSWORD);
    });
    after(() => server.close());

    function clientFor() {
      const browser = browserLikeFetch();
      const storage = inspectableStorage();
      const heard: Array<{ access: string | null; refresh: string | null }> = [];
      const client = new TesseraClient({
        baseUrl: server.url,
        fetch: browser.fetch,
        storage,
        cookies,
        csrfToken: () => browser.jar.get('csrftoken') ?? null,
        now: server.clock.read,
        onTokens: (pair) => heard.push(pair),
      });
      return { client, browser, storage, heard };
    }

    test('a stale login: the sensitive request throws a recognisable 403; reauthenticate stores fresh tokens of the same session; the retry passes', async () => {
      const { client, browser, storage, heard } = clientFor();
      await client.login('alice', PASSWORD);
      const other = await server.login('alice', PASSWORD);
      const login = serverSecond();
      const before = storage.values();
      const cookieBefore = browser.jar.get(REFRESH_COOKIE);
      server.clock.advance(STALE_AFTER);

      const sessions = await client.request<Session[]>('GET', '/api/sessions/');
      assert.equal(claimsOf(storage.values().access).auth_time, login, 'the refresh kept the old login time');
      const otherId = sessions.find((session) => !session.current)!.id;
      await assert.rejects(client.request('DELETE', `/api/sessions/${otherId}/`), (error: unknown) => {
        assert.ok(isReauthenticationRequired(error));
        assert.ok(error instanceof TesseraHttpError);
        assert.equal(error.status, 403);
        assert.equal(error.code, 'reauthentication_required');
        assert.deepEqual(error.body, STALE_BODY);
        return true;
      });

      const heardBefore = heard.length;
      await client.reauthenticate(PASSWORD);
      const after = storage.values();
      const claims = claimsOf(after.access);
      assert.equal(claims.auth_time, serverSecond(), 'the login time is now');
      assert.equal(claims.fam, claimsOf(before.access).fam, 'the same session');
      assert.notEqual(after.access, before.access);
      if (cookies) {
        assert.equal(after.refresh, 'cookie', 'cookie mode: a marker, the token is in the cookie');
        assert.notEqual(browser.jar.get(REFRESH_COOKIE), cookieBefore, 'the new refresh token is in the cookie');
        assert.deepEqual(heard.at(-1), { access: after.access, refresh: null });
      } else {
        assert.equal(claimsOf(after.refresh).auth_time, claims.auth_time, 'the refresh token carries it too, for later refreshes');
        assert.deepEqual(heard.at(-1), after);
      }
      assert.equal(heard.length, heardBefore + 1, 'onTokens heard the new pair once');

      assert.equal(await client.request('DELETE', `/api/sessions/${otherId}/`), undefined, 'the retry ends the session (204)');
      assert.equal((await server.post('/api/token/refresh/', { refresh: other.refresh })).status, 401, 'that session is over');

      // The next refresh (body or cookie) keeps the fresh login time.
      server.clock.advance(60);
      assert.equal(await client.refresh(), true);
      assert.equal(browser.calls.filter((call) => call === REFRESH_CALL).length, 2);
      assert.equal(claimsOf(storage.values().access).auth_time, claims.auth_time);
    });

    test('a wrong password: 400 with the server\'s field message, and the tokens are untouched', async () => {
      const { client, storage } = clientFor();
      await client.login('alice', PASSWORD);
      server.clock.advance(STALE_AFTER);
      await client.refresh();
      const before = storage.values();
      await assert.rejects(client.reauthenticate('wrong password'), (error: unknown) => {
        assert.ok(error instanceof TesseraHttpError);
        assert.equal(error.status, 400);
        assert.deepEqual(error.body, { password: ['Invalid password.'] });
        assert.equal(isReauthenticationRequired(error), false);
        return true;
      });
      assert.deepEqual(storage.values(), before);
      await assert.rejects(client.request('POST', '/api/sessions/logout-all/', { keep_current: true }), isReauthenticationRequired);
    });

    test('signed out: reauthenticate throws the 401 and stores nothing', async () => {
      const { client, storage } = clientFor();
      await assert.rejects(client.reauthenticate(PASSWORD), (error: unknown) => error instanceof TesseraHttpError && error.status === 401);
      assert.deepEqual(storage.values(), { access: null, refresh: null });
    });
  });
}

describe('isReauthenticationRequired', () => {
  test('only a 403 with that code', () => {
    assert.equal(isReauthenticationRequired(new TesseraHttpError(403, STALE_BODY)), true);
    assert.equal(isReauthenticationRequired(new TesseraHttpError(403, { detail: 'You do not have permission to perform this action.' })), false);
    assert.equal(isReauthenticationRequired(new TesseraHttpError(401, { ...STALE_BODY })), false);
    assert.equal(isReauthenticationRequired(new Error('reauthentication_required')), false);
    assert.equal(new TesseraHttpError(500, 'plain text').code, undefined);
  });
});
