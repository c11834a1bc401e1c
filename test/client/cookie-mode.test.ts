import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TesseraClient, type LogoutReason } from '../../src/client/index.js';
import { browserLikeFetch, cookieHeader, inspectableStorage, REFRESH_CALL } from '../support/client-fixtures.js';
import { startServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Ab12345678';
const REFRESH_COOKIE = '__Host-tessera-refresh';

describe('TesseraClient with cookie mode (authCookies: refresh)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authCookies: 'refresh', rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false });
    await server.createUser('alice', PASSWORD);
  });
  after(() => server.close());

  function cookieClient() {
    const browser = browserLikeFetch();
    const storage = inspectableStorage();
    const logouts: LogoutReason[] = [];
    const client = new TesseraClient({
      baseUrl: server.url,
      fetch: browser.fetch,
      storage,
      cookies: true,
      csrfToken: () => browser.jar.get('csrftoken') ?? null,
      now: server.clock.read,
      onLogout: (reason) => logouts.push(reason),
    });
    return { client, browser, storage, logouts };
  }

  test('login keeps only the access token; the refresh token never reaches the client', async () => {
    const { client, browser, storage } = cookieClient();
    await client.login('alice', PASSWORD);
    assert.ok(browser.jar.has(REFRESH_COOKIE));
    const stored = storage.values();
    assert.equal(stored.refresh, 'cookie', 'a marker, not a token');
    assert.notEqual(stored.access, null);
    assert.equal((await client.request<{ username: string }>('GET', '/api/user/')).username, 'alice');
  });

  test('an expired access token is refreshed through the cookie with the CSRF header, and the cookie rotates', async () => {
    const { client, browser, storage, logouts } = cookieClient();
    await client.login('alice', PASSWORD);
    const firstCookie = browser.jar.get(REFRESH_COOKIE);
    const firstAccess = storage.values().access;
    server.clock.advance(10 * 60);
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.request<{ username: string }>('GET', '/api/user/')));
    assert.ok(answers.every((me) => me.username === 'alice'));
    assert.equal(browser.calls.filter((call) => call === REFRESH_CALL).length, 1);
    assert.notEqual(storage.values().access, firstAccess);
    assert.notEqual(browser.jar.get(REFRESH_COOKIE), firstCookie, 'rotated');
    assert.deepEqual(logouts, []);
  });

  test('without the CSRF token the server refuses the cookie refresh (403), and the client keeps its state', async () => {
    const browser = browserLikeFetch();
    const storage = inspectableStorage();
    const client = new TesseraClient({ baseUrl: server.url, fetch: browser.fetch, storage, cookies: true, csrfToken: () => null, now: server.clock.read });
    await client.login('alice', PASSWORD);
    server.clock.advance(10 * 60);
    assert.equal(await client.refresh(), false);
    assert.equal(storage.values().refresh, 'cookie');
  });

  test('logout blacklists the cookie\'s token and the server clears the cookie', async () => {
    const { client, browser, storage, logouts } = cookieClient();
    await client.login('alice', PASSWORD);
    const cookie = browser.jar.get(REFRESH_COOKIE)!;
    await client.logout();
    assert.deepEqual(logouts, ['logout']);
    assert.equal(browser.jar.has(REFRESH_COOKIE), false);
    assert.deepEqual(storage.values(), { access: null, refresh: null });
    // The cookie's token is dead on the server, not only forgotten here.
    const replay = await fetch(`${server.url}/api/token/refresh/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `${REFRESH_COOKIE}=${cookie}; csrftoken=${browser.jar.get('csrftoken') ?? ''}`, 'x-csrftoken': browser.jar.get('csrftoken') ?? '' },
      body: '{}',
    });
    assert.equal(replay.status, 401);
    assert.equal(((await replay.json()) as { detail: string }).detail, 'Token is blacklisted');
  });

  test('without Web Locks, a refresh refused because another tab renewed the cookie meanwhile keeps that tab\'s tokens', async () => {
    const browser = browserLikeFetch();
    const storage = inspectableStorage();
    const logouts: LogoutReason[] = [];
    const csrfToken = () => browser.jar.get('csrftoken') ?? null;
    const winner = new TesseraClient({ baseUrl: server.url, fetch: browser.fetch, storage, cookies: true, csrfToken, now: server.clock.read });
    let raced = false;
    // The loser's refresh leaves with the old cookie; the winner's answer (a new cookie) comes back first.
    const racing: typeof fetch = async (input, init) => {
      if (raced || !String(input).endsWith('/api/token/refresh/')) return browser.fetch(input, init);
      raced = true;
      const headers = new Headers(init?.headers);
      headers.set('cookie', cookieHeader(browser.jar));
      assert.equal(await winner.refresh(), true);
      return browser.fetch(input, { ...init, headers });
    };
    const loser = new TesseraClient({ baseUrl: server.url, fetch: racing, storage, cookies: true, csrfToken, now: server.clock.read, onLogout: (r) => logouts.push(r) });
    await winner.login('alice', PASSWORD);
    server.clock.advance(10 * 60);
    assert.equal(await loser.refresh(), true);
    assert.deepEqual(logouts, [], 'the marker is the same, but the access token is new: another tab renewed the session');
    const renewedAccess = storage.values().access;
    assert.equal((await loser.request<{ username: string }>('GET', '/api/user/')).username, 'alice');
    assert.equal(storage.values().access, renewedAccess);
    // The server leaves a blacklisted (rotated) cookie alone, so the renewed one survives the refusal.
    assert.equal(browser.jar.has(REFRESH_COOKIE), true);
    assert.equal(await loser.refresh(), true, 'and the next refresh uses it');
  });

  test('a cookie that expired server-side signs the client out once', async () => {
    const { client, logouts, storage } = cookieClient();
    await client.login('alice', PASSWORD);
    server.clock.advance(2 * 24 * 60 * 60);
    assert.equal(await client.isSignedIn(), false);
    assert.equal(logouts.length, 1);
    assert.deepEqual(storage.values(), { access: null, refresh: null });
  });
});
