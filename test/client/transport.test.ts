import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TesseraClient, type LogoutReason, type TesseraClientOptions } from '../../src/client/index.js';
import { browserLikeFetch, inspectableStorage } from '../support/client-fixtures.js';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Ab12345678';
const REFRESH_COOKIE = '__Host-tessera-refresh';
const TOKEN_CALLS = ['POST /api/token/', 'POST /api/token/refresh/', 'POST /api/token/blacklist/'];

/** A client on `server` over a fetch with a cookie jar, whose clock is the server's. */
function clientOn(server: TestServer, options: TesseraClientOptions = {}) {
  const browser = browserLikeFetch();
  const storage = inspectableStorage();
  const logouts: LogoutReason[] = [];
  const client = new TesseraClient({
    baseUrl: server.url,
    fetch: browser.fetch,
    storage,
    csrfToken: () => browser.jar.get('csrftoken') ?? null,
    now: server.clock.read,
    onLogout: (reason) => logouts.push(reason),
    ...options,
  });
  /** `X-Tessera-Transport` of each login, refresh and logout call made so far. */
  const transports = () => browser.calls.flatMap((call, i) => (TOKEN_CALLS.includes(call) ? [browser.sent[i]!.get('x-tessera-transport')] : []));
  return { client, browser, storage, logouts, transports };
}

describe('a Node client against a server whose default is cookies (authCookies: refresh)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authCookies: 'refresh', rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false });
    await server.createUser('alice', PASSWORD);
  });
  after(() => server.close());

  test('by default it asks for the body: it gets the pair, refreshes and logs out with the token in the body, and no cookie', async () => {
    const { client, browser, storage, logouts, transports } = clientOn(server);
    await client.login('alice', PASSWORD);
    assert.equal(decodeJwt(storage.values().refresh!).claims.token_type, 'refresh', 'the refresh token itself, not the cookie marker');
    const first = storage.values().refresh;
    server.clock.advance(10 * 60);
    assert.equal((await client.request<{ username: string }>('GET', '/api/user/')).username, 'alice');
    assert.notEqual(storage.values().refresh, first, 'rotated, in the body');
    await client.logout();
    assert.deepEqual(logouts, ['logout']);
    assert.equal(browser.jar.has(REFRESH_COOKIE), false, 'the server never set the refresh cookie');
    assert.deepEqual(transports(), ['body', 'body', 'body']);
    // The body's token was blacklisted on the server, not only forgotten here.
    const replay = await server.post('/api/token/refresh/', { refresh: storage.values().refresh ?? first }, { 'x-tessera-transport': 'body' });
    assert.equal(replay.status, 401);
  });

  test('transport: null sends no header, and the server\'s default (the cookie) applies', async () => {
    const { client, browser, storage, transports } = clientOn(server, { transport: null });
    await client.login('alice', PASSWORD);
    assert.deepEqual(transports(), [null]);
    assert.equal(browser.jar.has(REFRESH_COOKIE), true);
    assert.equal(storage.values().refresh, null, 'the body had no refresh token, and this client is not in cookie mode');
  });
});

describe('a cookie client against a server whose default is the body (authCookies: off)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false });
    await server.createUser('bob', PASSWORD);
  });
  after(() => server.close());

  for (const options of [{ cookies: true }, { transport: 'cookie' }] as const) {
    test(`${JSON.stringify(options)} asks for the cookie: login, refresh and logout go through it`, async () => {
      const { client, browser, storage, logouts, transports } = clientOn(server, options);
      await client.login('bob', PASSWORD);
      const cookie = browser.jar.get(REFRESH_COOKIE);
      assert.ok(cookie, 'the server set the HttpOnly refresh cookie though its default is off');
      assert.equal(storage.values().refresh, 'cookie', 'the marker: the token itself never reached the client');
      server.clock.advance(10 * 60);
      assert.equal((await client.request<{ username: string }>('GET', '/api/user/')).username, 'bob');
      assert.notEqual(browser.jar.get(REFRESH_COOKIE), cookie, 'rotated in the cookie');
      await client.logout();
      assert.deepEqual(logouts, ['logout']);
      assert.equal(browser.jar.has(REFRESH_COOKIE), false, 'logout cleared the cookie');
      assert.deepEqual(transports(), ['cookie', 'cookie', 'cookie']);
    });
  }

  test('without the header the same server answers Simple JWT\'s pair (the default is untouched)', async () => {
    const answer = await server.post('/api/token/', { username: 'bob', password: PASSWORD });
    assert.deepEqual(Object.keys(answer.json).sort(), ['access', 'refresh']);
    assert.equal(answer.headers.getSetCookie().length, 0);
  });

  test('cookies and transport that contradict each other are refused at construction', () => {
    assert.throws(() => new TesseraClient({ cookies: true, transport: 'body' }), /cookies: true contradicts transport: 'body'/);
    assert.throws(() => new TesseraClient({ cookies: false, transport: 'cookie' }), TypeError);
    assert.doesNotThrow(() => new TesseraClient({ cookies: true, transport: null }));
  });
});
