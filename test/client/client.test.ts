import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { memoryStorage, TesseraClient, TesseraHttpError, webStorage, type LogoutReason } from '../../src/client/index.js';
import { readJwtPayload } from '../../src/client/jwt-payload.js';
import { countingFetch, inspectableStorage, REFRESH_CALL } from '../support/client-fixtures.js';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Ab12345678';
const ACCESS_LIFETIME = 5 * 60;

interface Me {
  id: number;
  username: string;
}

/** A client on `server` whose clock is the server's (so moving the TestClock moves both), counting its calls. */
function clientFor(server: TestServer, extra: ConstructorParameters<typeof TesseraClient>[0] = {}) {
  const counter = countingFetch();
  const logouts: LogoutReason[] = [];
  const storage = inspectableStorage();
  const client = new TesseraClient({
    baseUrl: server.url,
    fetch: counter.fetch,
    storage,
    now: server.clock.read,
    onLogout: (reason) => logouts.push(reason),
    ...extra,
  });
  return { client, counter, logouts, storage };
}

for (const rotateRefreshTokens of [false, true]) {
  describe(`TesseraClient against a real server (ROTATE_REFRESH_TOKENS ${rotateRefreshTokens ? 'on' : 'off'})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ rotateRefreshTokens, blacklistAfterRotation: rotateRefreshTokens, throttleEnabled: false });
      await server.createUser('alice', PASSWORD);
    });
    after(() => server.close());

    test('login stores the pair, request sends the Bearer token and parses JSON', async () => {
      const tokens: Array<{ access: string | null; refresh: string | null }> = [];
      const { client, storage } = clientFor(server, { onTokens: (pair) => tokens.push(pair) });
      assert.equal(await client.isSignedIn(), false);
      assert.equal(await client.accessToken(), null);
      await client.login('alice', PASSWORD, { deviceName: 'test runner' });
      assert.equal(await client.isSignedIn(), true);
      const me = await client.request<Me>('GET', '/api/user/');
      assert.equal(me.username, 'alice');
      const stored = storage.values();
      assert.equal(decodeJwt(stored.access!).claims.token_type, 'access');
      assert.equal(decodeJwt(stored.refresh!).claims.token_type, 'refresh');
      assert.deepEqual(tokens, [stored]);
    });

    test('a refused login throws TesseraHttpError with the status and the DRF body, and stores nothing', async () => {
      const { client, storage } = clientFor(server);
      await assert.rejects(client.login('alice', 'wrong'), (error: unknown) => {
        assert.ok(error instanceof TesseraHttpError);
        assert.equal(error.status, 401);
        assert.deepEqual(error.body, { detail: 'No active account found with the given credentials' });
        return true;
      });
      await assert.rejects(client.login('', PASSWORD), (error: unknown) => error instanceof TesseraHttpError && error.status === 400);
      assert.deepEqual(storage.values(), { access: null, refresh: null });
    });

    test('a 401 (the local clock lags, so the client thinks the token good) refreshes once and retries', async () => {
      const lagging = server.clock.now;
      const { client, counter, storage } = clientFor(server, { now: () => lagging });
      await client.login('alice', PASSWORD);
      const before = storage.values();
      server.clock.advance(ACCESS_LIFETIME + 1);
      const me = await client.request<Me>('GET', '/api/user/');
      assert.equal(me.username, 'alice');
      assert.deepEqual(counter.calls.slice(1), ['GET /api/user/', REFRESH_CALL, 'GET /api/user/']);
      const after = storage.values();
      assert.notEqual(after.access, before.access);
      if (rotateRefreshTokens) assert.notEqual(after.refresh, before.refresh, 'the rotated refresh token is stored');
      else assert.equal(after.refresh, before.refresh, 'without rotation the answer has no refresh token: keep the old one');
    });

    test('an access token within refreshLeeway of expiry is refreshed before the request, not after a 401', async () => {
      const { client, counter } = clientFor(server, { refreshLeeway: 30 });
      await client.login('alice', PASSWORD);
      server.clock.advance(ACCESS_LIFETIME - 40);
      await client.request('GET', '/api/user/');
      server.clock.advance(20);
      await client.request('GET', '/api/user/');
      assert.deepEqual(counter.calls.slice(1), ['GET /api/user/', REFRESH_CALL, 'GET /api/user/']);
    });

    test('20 concurrent requests with an expired access token make exactly one refresh call', async () => {
      const { client, counter } = clientFor(server);
      await client.login('alice', PASSWORD);
      server.clock.advance(ACCESS_LIFETIME + 1);
      const answers = await Promise.all(Array.from({ length: 20 }, () => client.request<Me>('GET', '/api/user/')));
      assert.ok(answers.every((me) => me.username === 'alice'));
      assert.equal(counter.count(REFRESH_CALL), 1);
      assert.equal(counter.count('GET /api/user/'), 20, 'all waited for the refresh: no 401 and no retry');
    });

    test('20 concurrent requests that all get a 401 share one refresh and each retry once', async () => {
      const lagging = server.clock.now;
      const { client, counter } = clientFor(server, { now: () => lagging });
      await client.login('alice', PASSWORD);
      server.clock.advance(ACCESS_LIFETIME + 1);
      const answers = await Promise.all(Array.from({ length: 20 }, () => client.request<Me>('GET', '/api/user/')));
      assert.ok(answers.every((me) => me.username === 'alice'));
      assert.equal(counter.count(REFRESH_CALL), 1);
      assert.equal(counter.count('GET /api/user/'), 40);
    });

    test('an expired refresh token signs out with onLogout("expired"), once', async () => {
      const { client, logouts, storage } = clientFor(server);
      await client.login('alice', PASSWORD);
      server.clock.advance(24 * 60 * 60 + 1);
      const results = await Promise.allSettled([client.request('GET', '/api/user/'), client.request('GET', '/api/user/')]);
      for (const result of results) {
        assert.equal(result.status, 'rejected');
        assert.ok(result.reason instanceof TesseraHttpError);
        assert.equal(result.reason.status, 401);
      }
      assert.deepEqual(logouts, ['expired']);
      assert.deepEqual(storage.values(), { access: null, refresh: null });
      assert.equal(await client.isSignedIn(), false);
    });

    test('a refresh token blacklisted elsewhere signs out with onLogout("revoked")', async () => {
      const { client, logouts, storage } = clientFor(server);
      await client.login('alice', PASSWORD);
      const blacklisted = await server.post('/api/token/blacklist/', { refresh: storage.values().refresh });
      assert.equal(blacklisted.status, 200);
      assert.equal(await client.refresh(), false);
      assert.deepEqual(logouts, ['revoked']);
      assert.equal(await client.accessToken(), null);
    });

    test('logout blacklists the refresh token, clears storage and calls onLogout("logout")', async () => {
      const tokens: Array<{ access: string | null; refresh: string | null }> = [];
      const { client, logouts, storage, counter } = clientFor(server, { onTokens: (pair) => tokens.push(pair) });
      await client.login('alice', PASSWORD);
      const { refresh } = storage.values();
      await client.logout();
      assert.deepEqual(logouts, ['logout']);
      assert.deepEqual(storage.values(), { access: null, refresh: null });
      assert.deepEqual(tokens.at(-1), { access: null, refresh: null });
      assert.equal(counter.count('POST /api/token/blacklist/'), 1);
      const again = await server.post('/api/token/refresh/', { refresh });
      assert.equal(again.status, 401);
      assert.deepEqual(again.json, { detail: 'Token is blacklisted', code: 'token_not_valid' });
      await assert.rejects(client.request('GET', '/api/user/'), (error: unknown) => error instanceof TesseraHttpError && error.status === 401);
    });
  });
}

describe('TesseraClient: retry once only', () => {
  let server: TestServer;
  // The server reads only "JWT <token>": the Bearer header is never accepted, so the retry gets a 401 too.
  before(async () => {
    server = await startServer({ authHeaderTypes: ['JWT'], throttleEnabled: false });
    await server.createUser('alice', PASSWORD);
  });
  after(() => server.close());

  test('a second 401 after the refresh is surfaced, with no second refresh', async () => {
    const { client, counter, logouts } = clientFor(server);
    await client.login('alice', PASSWORD);
    const response = await client.fetch('/api/user/');
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { detail: 'Authentication credentials were not provided.' });
    await assert.rejects(client.request('GET', '/api/user/'), (error: unknown) => error instanceof TesseraHttpError && error.status === 401);
    assert.deepEqual(counter.calls.slice(1), ['GET /api/user/', REFRESH_CALL, 'GET /api/user/', 'GET /api/user/', REFRESH_CALL, 'GET /api/user/']);
    assert.deepEqual(logouts, [], 'the refresh itself worked: still signed in');
  });

  test('a caller\'s own Authorization header is left alone, 401 and all', async () => {
    const { client, counter } = clientFor(server);
    await client.login('alice', PASSWORD);
    const response = await client.fetch('/api/user/', { headers: { authorization: 'JWT not-a-token' } });
    assert.equal(response.status, 401);
    assert.equal(counter.count(REFRESH_CALL), 0);
  });
});

describe('TesseraClient: clocks, async storage, and a tab that loses the rotation race', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false });
    await server.createUser('alice', PASSWORD);
  });
  after(() => server.close());

  test('a local clock 10 minutes fast does not refresh before every request (skew learnt from iat)', async () => {
    const { client, counter } = clientFor(server, { now: () => server.clock.now + 10 * 60 * 1000 });
    await client.login('alice', PASSWORD);
    for (let i = 0; i < 3; i++) await client.request('GET', '/api/user/');
    assert.equal(counter.count(REFRESH_CALL), 0);
    server.clock.advance(ACCESS_LIFETIME - 10);
    await client.request('GET', '/api/user/');
    assert.equal(counter.count(REFRESH_CALL), 1, 'still refreshed within the leeway of the server\'s expiry');
  });

  test('an async storage (every call a Promise) still makes one refresh for 20 concurrent requests', async () => {
    const inner = memoryStorage();
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 1));
    const storage = {
      get: async (key: string) => later(await inner.get(key)),
      set: async (key: string, value: string) => later(await inner.set(key, value)),
      remove: async (key: string) => later(await inner.remove(key)),
    };
    const { client, counter } = clientFor(server, { storage });
    await client.login('alice', PASSWORD);
    server.clock.advance(ACCESS_LIFETIME + 1);
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.request<Me>('GET', '/api/user/')));
    assert.ok(answers.every((me) => me.username === 'alice'));
    assert.equal(counter.count(REFRESH_CALL), 1);
  });

  test('without token families, a tab whose refresh lost the race to another tab takes its tokens instead of signing out', async () => {
    const storage = memoryStorage();
    const winner = new TesseraClient({ baseUrl: server.url, storage, now: server.clock.read });
    const logouts: LogoutReason[] = [];
    let raced = false;
    // The loser's refresh (carrying the old refresh token) reaches the server only after the winner rotated it.
    const racing: typeof fetch = async (input, init) => {
      if (!raced && String(input).endsWith('/api/token/refresh/')) {
        raced = true;
        assert.equal(await winner.refresh(), true);
      }
      return fetch(input, init);
    };
    const loser = new TesseraClient({ baseUrl: server.url, storage, fetch: racing, now: server.clock.read, onLogout: (r) => logouts.push(r) });
    await winner.login('alice', PASSWORD);
    const original = await storage.get('tessera.refresh');
    assert.equal(await loser.refresh(), true);
    assert.deepEqual(logouts, []);
    assert.notEqual(await storage.get('tessera.refresh'), original);
    assert.equal((await loser.request<Me>('GET', '/api/user/')).username, 'alice');
  });
});

describe('TesseraClient: two tabs, one storage, token families', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false });
    await server.createUser('alice', PASSWORD);
  });
  after(() => server.close());

  test('two tabs refreshing the same token at once both stay signed in (grace window)', async () => {
    const shared = new Map<string, string>();
    const local = { getItem: (k: string) => shared.get(k) ?? null, setItem: (k: string, v: string) => void shared.set(k, v), removeItem: (k: string) => void shared.delete(k) };
    const counter = countingFetch();
    const logouts: LogoutReason[] = [];
    const tab = () => new TesseraClient({ baseUrl: server.url, fetch: counter.fetch, storage: webStorage(local), now: server.clock.read, onLogout: (r) => logouts.push(r) });
    const [first, second] = [tab(), tab()];
    await first.login('alice', PASSWORD);
    const original = shared.get('tessera.refresh');
    server.clock.advance(ACCESS_LIFETIME + 1);
    const [a, b] = await Promise.all([first.request<Me>('GET', '/api/user/'), second.request<Me>('GET', '/api/user/')]);
    assert.equal(a.username, 'alice');
    assert.equal(b.username, 'alice');
    assert.equal(counter.count(REFRESH_CALL), 2, 'each tab has its own in-flight refresh: both presented the same token');
    assert.deepEqual(logouts, []);
    assert.notEqual(shared.get('tessera.refresh'), original);
    // Well after the grace window, both tabs still work and rotate on from the stored successor.
    server.clock.advance(ACCESS_LIFETIME + 1);
    assert.equal(await second.refresh(), true);
    assert.equal((await first.request<Me>('GET', '/api/user/')).username, 'alice');
    assert.deepEqual(logouts, []);
  });

  test('a tab whose request raced another tab\'s refresh uses the stored token instead of refreshing again', async () => {
    const storage = memoryStorage();
    const lagging = server.clock.now;
    const counter = countingFetch();
    const fresh = new TesseraClient({ baseUrl: server.url, storage, now: server.clock.read });
    let raced = false;
    // The stale tab's request leaves with the old token only after the other tab has refreshed.
    const racing: typeof fetch = async (input, init) => {
      if (!raced && String(input).endsWith('/api/user/')) {
        raced = true;
        assert.equal(await fresh.refresh(), true);
      }
      return counter.fetch(input, init);
    };
    const stale = new TesseraClient({ baseUrl: server.url, fetch: racing, storage, now: () => lagging });
    await fresh.login('alice', PASSWORD);
    server.clock.advance(ACCESS_LIFETIME + 1);
    const me = await stale.request<Me>('GET', '/api/user/');
    assert.equal(me.username, 'alice');
    assert.deepEqual(counter.calls, ['GET /api/user/', 'GET /api/user/'], 'a 401, then the retry with the other tab\'s token: no refresh');
  });

  test('a stolen refresh token rotated by the thief first: the victim\'s refresh gets onLogout("reused")', async () => {
    const { client, logouts, storage } = clientFor(server);
    await client.login('alice', PASSWORD);
    const stolen = storage.values().refresh;
    const thief = await server.post('/api/token/refresh/', { refresh: stolen });
    assert.equal(thief.status, 200);
    server.clock.advance(server.settings.refreshGraceWindow + 1);
    assert.equal(await client.refresh(), false);
    assert.deepEqual(logouts, ['reused']);
    assert.deepEqual(storage.values(), { access: null, refresh: null });
    const thiefAgain = await server.post('/api/token/refresh/', { refresh: thief.json.refresh });
    assert.equal(thiefAgain.status, 401, 'the whole family ended');
  });
});

describe('TesseraClient against a server with session policy: onLogout gets the server\'s reason as its second argument', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false,
      sessionAbsoluteLifetime: 3600, sessionIdleTimeout: 1200, sessionsPerUser: 1,
    });
    await server.createUser('sam', PASSWORD);
  });
  after(() => server.close());

  /** A client recording every argument onLogout is called with. */
  const recording = () => {
    const calls: unknown[][] = [];
    return { calls, ...clientFor(server, { onLogout: (...args: unknown[]) => void calls.push(args) }) };
  };

  test('idle: onLogout("expired", "idle")', async () => {
    const { client, calls } = recording();
    await client.login('sam', PASSWORD);
    server.clock.advance(1200);
    assert.equal(await client.refresh(), false);
    assert.deepEqual(calls, [['expired', 'idle']]);
  });

  test('evicted by a login elsewhere: onLogout("revoked", "evicted")', async () => {
    const { client, calls } = recording();
    await client.login('sam', PASSWORD);
    await server.login('sam', PASSWORD);
    assert.equal(await client.refresh(), false);
    assert.deepEqual(calls, [['revoked', 'evicted']]);
  });

  test('the absolute lifetime, however active: onLogout("expired", "expired"); a plain refusal still calls onLogout with one argument', async () => {
    const { client, calls } = recording();
    await client.login('sam', PASSWORD);
    for (let i = 0; i < 3; i++) {
      server.clock.advance(1000);
      assert.equal(await client.refresh(), true);
    }
    server.clock.advance(600);
    assert.equal(await client.refresh(), false);
    assert.deepEqual(calls, [['expired', 'expired']]);
    const other = recording();
    await other.client.login('sam', PASSWORD);
    assert.equal((await server.post('/api/token/blacklist/', { refresh: other.storage.values().refresh })).status, 200);
    assert.equal(await other.client.refresh(), false);
    assert.deepEqual(other.calls, [['revoked']]);
  });
});

describe('tessera/client pieces', () => {
  test('readJwtPayload decodes base64url (unicode, no padding) without atob or Buffer', () => {
    const claims = { username: 'zoë 学生', exp: 1767268800, blob: '>>>???' };
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    assert.deepEqual(readJwtPayload(`${encode({ alg: 'HS256' })}.${encode(claims)}.sig`), claims);
    assert.equal(readJwtPayload('not-a-jwt'), null);
    assert.equal(readJwtPayload('a.b*c.d'), null);
    assert.equal(readJwtPayload(`x.${Buffer.from('[1]').toString('base64url')}.y`), null);
  });

  test('webStorage reads and writes through a localStorage-like object', async () => {
    const map = new Map<string, string>();
    const storage = webStorage({ getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) });
    await storage.set('k', 'v');
    assert.equal(await storage.get('k'), 'v');
    await storage.remove('k');
    assert.equal(map.size, 0);
  });
});
