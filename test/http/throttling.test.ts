import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { loadSettings, SettingsError } from '../../src/settings/index.js';
import { startServer, type TestServer } from '../support/server.js';
import { deleteKeys, randomPrefix, redisSkipReason, TEST_REDIS_URL, testRedis } from '../support/redis.js';

interface Reply {
  status: number;
  retryAfter: string | undefined;
  json: any;
}

/** POST JSON from a chosen loopback address (127.0.0.x), so tests can be several clients. */
function postFrom(server: TestServer, from: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const url = new URL(path, server.url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const ATTACKER = '127.0.0.2';
const OWNER = '127.0.0.3';
const throttledDetail = (n: number) => `Request was throttled. Expected available in ${n} second${n === 1 ? '' : 's'}.`;

describe('throttling settings', () => {
  test('on by default, with ASVS 2.2.1\'s 100 failed logins per account per hour', () => {
    const settings = loadSettings({ cwd: '/nonexistent' });
    assert.equal(settings.throttleEnabled, true);
    assert.equal(settings.throttleRates.login_account_failures, '100/hour');
    assert.equal(settings.throttleRates.login_ip, '30/min');
  });

  test('TESSERA_THROTTLE_RATES changes only the names it gives, and bad rates are refused', () => {
    const settings = loadSettings({ cwd: '/nonexistent', env: { TESSERA_THROTTLE_RATES: '{"login_ip": "5/sec", "reset_account": null}' } });
    assert.equal(settings.throttleRates.login_ip, '5/sec');
    assert.equal(settings.throttleRates.reset_account, null);
    assert.equal(settings.throttleRates.login_account_failures, '100/hour');
    assert.throws(() => loadSettings({ cwd: '/nonexistent', env: { TESSERA_THROTTLE_RATES: '{"login_ip": "5/fortnight"}' } }), SettingsError);
    assert.throws(() => loadSettings({ cwd: '/nonexistent', env: { TESSERA_THROTTLE_RATES: '{"everything": "5/min"}' } }), SettingsError);
    assert.throws(() => loadSettings({ cwd: '/nonexistent', env: { TESSERA_THROTTLE_RATES: '5/min' } }), SettingsError);
    assert.equal(loadSettings({ cwd: '/nonexistent', env: { TESSERA_THROTTLE_ENABLED: 'false' } }).throttleEnabled, false);
  });
});

describe('login throttling per IP', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttleRates: { login_ip: '3/min', login_account_failures: '100/hour' } });
    await server.createUser('owner', 'owner-password-1');
  });
  after(() => server.close());

  test('the fourth attempt in a minute is 429 with DRF\'s detail and Retry-After, then the window ends', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await postFrom(server, ATTACKER, '/api/token/', { username: 'owner', password: `guess-${i}` });
      assert.equal(answer.status, 401);
    }
    const throttled = await postFrom(server, ATTACKER, '/api/token/', { username: 'owner', password: 'owner-password-1' });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.retryAfter, '60');
    assert.deepEqual(throttled.json, { detail: throttledDetail(60) });

    server.clock.advance(59);
    const last = await postFrom(server, ATTACKER, '/api/token/', { username: 'owner', password: 'owner-password-1' });
    assert.equal(last.status, 429);
    assert.equal(last.retryAfter, '1');
    assert.deepEqual(last.json, { detail: 'Request was throttled. Expected available in 1 second.' });

    server.clock.advance(1);
    const again = await postFrom(server, ATTACKER, '/api/token/', { username: 'owner', password: 'owner-password-1' });
    assert.equal(again.status, 200);
  });

  test('a throttled IP does not block the owner on another IP', async () => {
    for (let i = 0; i < 4; i++) await postFrom(server, ATTACKER, '/api/token/', { username: 'owner', password: 'x' });
    assert.equal((await postFrom(server, ATTACKER, '/api/token/', { username: 'owner', password: 'x' })).status, 429);
    const owner = await postFrom(server, OWNER, '/api/token/', { username: 'owner', password: 'owner-password-1' });
    assert.equal(owner.status, 200);
    server.clock.advance(60);
  });

  test('successful logins do not count against the IP', async () => {
    for (let i = 0; i < 6; i++) {
      assert.equal((await postFrom(server, '127.0.0.5', '/api/token/', { username: 'owner', password: 'owner-password-1' })).status, 200);
    }
  });

  test('malformed bodies (no password) are 400 but no guess, and do not count', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await postFrom(server, '127.0.0.6', '/api/token/', { username: 'owner' })).status, 400);
    assert.equal((await postFrom(server, '127.0.0.6', '/api/token/', { username: 'owner', password: 'owner-password-1' })).status, 200);
  });

  test('every login view shares the login scope: djoser, drf-jwt, /api/login', async () => {
    const paths = ['/auth/jwt/create/', '/api-token-auth/', '/api/login'];
    for (const path of paths) assert.notEqual((await postFrom(server, '127.0.0.4', path, { username: 'owner', password: 'x' })).status, 429);
    for (const path of paths) {
      const answer = await postFrom(server, '127.0.0.4', path, { username: 'owner', password: 'x' });
      assert.equal(answer.status, 429, path);
      assert.match(answer.json.detail, /^Request was throttled\. Expected available in \d+ seconds?\.$/);
    }
    server.clock.advance(60);
  });
});

describe('failed logins per account', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttleRates: { login_ip: '1000/min', login_account_failures: '3/hour' } });
    await server.createUser('victim', 'victim-password-1');
    await server.createUser('bystander', 'bystander-password-1');
  });
  after(() => server.close());

  test('successful logins do not count', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await postFrom(server, OWNER, '/api/token/', { username: 'victim', password: 'victim-password-1' })).status, 200);
    }
  });

  test('after the limit the account is refused from every IP until its hour ends; other accounts are not', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await postFrom(server, ATTACKER, '/api/token/', { username: 'victim', password: `guess-${i}` })).status, 401);
    }
    const blocked = await postFrom(server, OWNER, '/api/token/', { username: 'victim', password: 'victim-password-1' });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.retryAfter, '3600');
    assert.deepEqual(blocked.json, { detail: throttledDetail(3600) });
    // Failures on other login views count for the same account, and are refused the same way.
    assert.equal((await postFrom(server, OWNER, '/auth/jwt/create/', { username: 'victim', password: 'victim-password-1' })).status, 429);

    assert.equal((await postFrom(server, ATTACKER, '/api/token/', { username: 'bystander', password: 'bystander-password-1' })).status, 200);

    // The lock is bounded: the window expires by itself and the owner logs in again.
    server.clock.advance(3600);
    assert.equal((await postFrom(server, OWNER, '/api/token/', { username: 'victim', password: 'victim-password-1' })).status, 200);
  });

  test('look-alike spellings of one name (which log in to it) share its failure budget', async () => {
    // Fullwidth letters normalize (NFKC) to "victim": each spelling is the same account.
    for (const spelling of ['\uFF56ictim', 'v\uFF49ctim', 'vi\uFF43tim']) {
      assert.equal((await postFrom(server, ATTACKER, '/api/token/', { username: spelling, password: 'guess' })).status, 401);
    }
    assert.equal((await postFrom(server, OWNER, '/api/token/', { username: 'victim', password: 'victim-password-1' })).status, 429);
    server.clock.advance(3600);
  });
});

/** Answers to `count` logins sent at once, by status. */
async function burst(count: number, send: (i: number) => Promise<{ status: number }>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (const { status } of await Promise.all(Array.from({ length: count }, (_, i) => send(i)))) {
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  return statuses;
}

describe('a burst of concurrent logins gets no more password checks than the limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttleRates: { login_ip: '30/min', login_account_failures: '10/hour' } });
    await server.createUser('target', 'target-password-1');
  });
  after(() => server.close());

  test('from one IP: 150 wrong passwords at once, 30 checked (login_ip), the rest 429', async () => {
    const statuses = await burst(150, (i) => postFrom(server, ATTACKER, '/api/token/', { username: `nobody-${i}`, password: 'guess' }));
    assert.deepEqual(Object.fromEntries(statuses), { 401: 30, 429: 120 });
    server.clock.advance(60);
  });

  test('from 10 IPs: 100 wrong passwords for one account at once, 10 checked (login_account_failures)', async () => {
    const statuses = await burst(100, (i) => postFrom(server, `127.0.1.${10 + (i % 10)}`, '/api/token/', { username: 'target', password: `guess-${i}` }));
    assert.deepEqual(Object.fromEntries(statuses), { 401: 10, 429: 90 });
    server.clock.advance(3600);
  });

  test('correct logins give their counts back: after a burst of them the limit is all there for failures', async () => {
    // In flight, each holds a count (it might fail); answered, each gives it back.
    const statuses = await burst(8, () => postFrom(server, '127.0.1.40', '/api/token/', { username: 'target', password: 'target-password-1' }));
    assert.deepEqual(Object.fromEntries(statuses), { 200: 8 });
    for (let i = 0; i < 3; i++) {
      assert.equal((await postFrom(server, '127.0.1.40', '/api/token/', { username: 'target', password: 'target-password-1' })).status, 200);
    }
    const failures = await burst(15, (i) => postFrom(server, '127.0.1.40', '/api/token/', { username: 'target', password: `guess-${i}` }));
    assert.deepEqual(Object.fromEntries(failures), { 401: 10, 429: 5 });
    server.clock.advance(3600);
  });

  test('Basic authentication: 60 wrong passwords at once, 30 checked', async () => {
    const basicServer = await startServer({ authenticationClasses: ['basic'], throttleRates: { login_ip: '30/min' } });
    try {
      await basicServer.createUser('basic', 'basic-password-1');
      const header = { authorization: `Basic ${Buffer.from('basic:wrong').toString('base64')}` };
      const statuses = await burst(60, () => basicServer.get('/api/user/', header));
      assert.deepEqual(Object.fromEntries(statuses), { 401: 30, 429: 30 });
    } finally {
      await basicServer.close();
    }
  });
});

describe('Basic authentication failures', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['basic'], throttleRates: { login_ip: '2/min', login_account_failures: '100/hour' } });
    await server.createUser('basic', 'basic-password-1');
  });
  after(() => server.close());
  const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  test('successes are not counted; failures are, per IP', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await server.get('/api/user/', basic('basic', 'basic-password-1'))).status, 200);
    assert.equal((await server.get('/api/user/', basic('basic', 'wrong'))).status, 401);
    assert.equal((await server.get('/api/user/', basic('basic', 'wrong'))).status, 401);
    const throttled = await server.get('/api/user/', basic('basic', 'basic-password-1'));
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '60');
    assert.deepEqual(throttled.json, { detail: throttledDetail(60) });
  });
});

describe('refresh, register and reset scopes', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttleRates: { refresh_ip: '2/min', register_ip: '1/hour', reset_ip: '1/hour', reset_account: null } });
    await server.createUser('refresher', 'refresher-password-1');
  });
  after(() => server.close());

  test('refresh: the third in a minute is throttled', async () => {
    const pair = await server.login('refresher', 'refresher-password-1');
    assert.equal((await server.post('/api/token/refresh/', { refresh: pair.refresh })).status, 200);
    assert.equal((await server.post('/api/token/refresh/', { refresh: pair.refresh })).status, 200);
    const third = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(third.status, 429);
    assert.deepEqual(third.json, { detail: throttledDetail(60) });
  });

  test('register: the second in an hour is throttled', async () => {
    const first = await server.post('/auth/users/', { username: 'new1', email: 'new1@example.com', password: 'a-long-Password-77' });
    assert.notEqual(first.status, 429);
    const second = await server.post('/auth/users/', { username: 'new2', email: 'new2@example.com', password: 'a-long-Password-77' });
    assert.equal(second.status, 429);
    assert.equal(second.headers.get('retry-after'), '3600');
  });

  test('password reset: the second in an hour is throttled', async () => {
    assert.equal((await server.post('/auth/users/reset_password/', { email: 'refresher@example.com' })).status, 204);
    assert.equal((await server.post('/auth/users/reset_password/', { email: 'refresher@example.com' })).status, 429);
  });

  test('resend activation shares the reset scope: it sends an email too', async () => {
    const resend = await server.post('/auth/users/resend_activation/', { email: 'refresher@example.com' });
    assert.equal(resend.status, 429);
    assert.deepEqual(resend.json, { detail: throttledDetail(3600) });
  });
});

describe('bursts of refresh and reset requests', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttleRates: { refresh_ip: '10/min', reset_ip: '100/hour', reset_account: '5/hour' } });
    await server.createUser('bursty', 'bursty-password-1');
  });
  after(() => server.close());

  test('30 refreshes at once from one IP: 10 answered, 20 throttled', async () => {
    const pair = await server.login('bursty', 'bursty-password-1');
    const statuses = await burst(30, () => postFrom(server, '127.0.3.1', '/api/token/refresh/', { refresh: pair.refresh }));
    assert.deepEqual(Object.fromEntries(statuses), { 200: 10, 429: 20 });
  });

  test('20 reset requests at once for one address: 5 accepted, 15 throttled', async () => {
    const statuses = await burst(20, (i) => postFrom(server, `127.0.3.${10 + i}`, '/auth/users/reset_password/', { email: 'bursty@example.com' }));
    assert.deepEqual(Object.fromEntries(statuses), { 204: 5, 429: 15 });
  });
});

describe('throttleEnabled: false', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ throttleEnabled: false, throttleRates: { login_ip: '1/min' } });
  });
  after(() => server.close());

  test('nothing is throttled', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await server.post('/api/token/', { username: 'nobody', password: 'x' })).status, 401);
  });
});

describe('throttling shared through Redis', async () => {
  const skip = await redisSkipReason();
  const prefix = randomPrefix();
  let one: TestServer;
  let two: TestServer;
  before(async () => {
    if (skip) return;
    const shared = { redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix, throttleRates: { login_ip: '2/min' } };
    one = await startServer(shared);
    two = await startServer(shared);
  });
  after(async () => {
    if (skip) return;
    await one.close();
    await two.close();
    const client = testRedis();
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  test('two servers count one IP together', { skip: skip ?? false }, async () => {
    // Both connect to Redis at start; wait until each one's counters are on it.
    for (const server of [one, two]) {
      for (let i = 0; i < 100 && server.tessera.redis?.status() !== 'ready'; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(server.tessera.redis?.status(), 'ready');
    }
    assert.equal((await postFrom(one, ATTACKER, '/api/token/', { username: 'x', password: 'y' })).status, 401);
    assert.equal((await postFrom(two, ATTACKER, '/api/token/', { username: 'x', password: 'y' })).status, 401);
    const third = await postFrom(one, ATTACKER, '/api/token/', { username: 'x', password: 'y' });
    assert.equal(third.status, 429);
    assert.match(third.json.detail, /^Request was throttled\. Expected available in \d+ seconds?\.$/);
    const client = testRedis();
    const keys = await client.keys(`${prefix}count:throttle:login_ip:*`);
    client.disconnect();
    assert.equal(keys.length, 1);
  });
  test('a burst split over two servers gets no more password checks than the shared limit', { skip: skip ?? false }, async () => {
    const statuses = await burst(60, (i) => postFrom(i % 2 ? one : two, '127.0.2.7', '/api/token/', { username: `burst-${i}`, password: 'y' }));
    assert.deepEqual(Object.fromEntries(statuses), { 401: 2, 429: 58 });
  });
  test('peek reads a shared count without counting, and null for no window', { skip: skip ?? false }, async () => {
    const counters = one.tessera.counters;
    assert.equal(await counters.peek('peek-test'), null);
    await two.tessera.counters.increment('peek-test', 60);
    await two.tessera.counters.increment('peek-test', 60);
    const value = await counters.peek('peek-test');
    assert.equal(value?.count, 2);
    assert.ok(value!.resetInSeconds >= 59 && value!.resetInSeconds <= 60);
    assert.equal((await counters.peek('peek-test'))?.count, 2);
    await counters.reset('peek-test');
    assert.equal(await two.tessera.counters.peek('peek-test'), null);
  });
});
