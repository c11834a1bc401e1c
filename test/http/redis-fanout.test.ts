import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/index.js';
import { loadSettings } from '../../src/settings/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { CuttableProxy, deleteKeys, eventually, randomPrefix, redisSkipReason, testRedis, TEST_REDIS_URL } from '../support/redis.js';
import { decodeJwt, startServer, startSignedIn, TEST_SIGNING_KEY, TestClock, type TestServer } from '../support/server.js';

/**
 * How long a wait may take before the test calls it a hang. Not a latency claim (the fan-out's
 * speed is measured in bench/, not here): a loaded two-core machine can stall a process for a second.
 */
const HANG_GUARD_MS = 5000;

const CREDENTIALS = { username: 'fanout', password: 'Ab12345678' };
const ROTATION = { rotateRefreshTokens: true, blacklistAfterRotation: true, tokenFamilies: true };
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };

const skip = await redisSkipReason();

/** Two (or more) servers on one database and one Redis prefix, as nodes behind a load balancer. */
describe('revocations across servers through Redis', { skip: skip ?? false }, () => {
  const prefix = randomPrefix();
  const redis = skip ? null : testRedis();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-fanout-'));
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    database = await createTestDatabase(dir);
    const shared = { databaseUrl: database.url, redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix, ...ROTATION };
    a = await startServer(shared);
    b = await startServer(shared);
    await a.createUser(CREDENTIALS.username, CREDENTIALS.password);
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  test('both servers report Redis ready', async () => {
    assert.equal(await eventually(() => a.tessera.redis?.status() === 'ready', HANG_GUARD_MS), true);
    assert.equal(await b.tessera.redis?.ping(), true);
  });

  test('a refresh token blacklisted on A is refused by B, and B knows it from Redis', async () => {
    const pair = await a.login(CREDENTIALS.username, CREDENTIALS.password);
    const jti = String(decodeJwt(pair.refresh).claims.jti);
    assert.equal((await a.post('/api/token/blacklist/', { refresh: pair.refresh })).status, 200);
    assert.equal(await eventually(() => b.tessera.revocation.knowsRevoked(jti), HANG_GUARD_MS), true);
    const refused = await b.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.json, BLACKLISTED);
  });

  test('a rotation on B makes the old refresh token known as revoked on A', async () => {
    const pair = await a.login(CREDENTIALS.username, CREDENTIALS.password);
    const rotated = await b.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(rotated.status, 200);
    assert.equal(typeof rotated.json.refresh, 'string');
    const jti = String(decodeJwt(pair.refresh).claims.jti);
    assert.equal(await eventually(() => a.tessera.revocation.knowsRevoked(jti), HANG_GUARD_MS), true);
    // Within the grace window A answers the successor B issued, not a second one.
    assert.equal((await a.post('/api/token/refresh/', { refresh: pair.refresh })).json.refresh, rotated.json.refresh);
    assert.equal((await a.post('/api/token/refresh/', { refresh: rotated.json.refresh })).status, 200);
  });

  test('a user cut-off made on A refuses that user\'s older tokens on B; newer ones still work', async () => {
    const pair = await a.login(CREDENTIALS.username, CREDENTIALS.password);
    const bearer = pair.auth;
    assert.equal((await b.get('/studentapi/', bearer)).status, 200);
    const user = await a.store.users.findByUsername(CREDENTIALS.username);
    await a.tessera.revocation.revokeAllForUser(user!.id, new Date(a.clock.now + 1000));

    assert.equal(await eventually(async () => (await b.get('/studentapi/', bearer)).status === 401, HANG_GUARD_MS), true);
    const refused = await b.get('/studentapi/', bearer);
    assert.deepEqual(refused.json, {
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is blacklisted' }],
    });
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.deepEqual((await b.post('/api/token/refresh/', { refresh: pair.refresh })).json, BLACKLISTED);
    const verified = await b.post('/api/token/verify/', { token: pair.access });
    assert.equal(verified.status, 400);
    assert.deepEqual(verified.json, { non_field_errors: ['Token is blacklisted'] });

    // Tokens issued in the cut-off's second or later are not touched.
    a.clock.advance(1);
    b.clock.advance(1);
    const fresh = await a.login(CREDENTIALS.username, CREDENTIALS.password);
    assert.equal((await b.get('/studentapi/', fresh.auth)).status, 200);
  });
});

describe('Redis outage and recovery', { skip: skip ?? false }, () => {
  const prefix = randomPrefix();
  const redis = skip ? null : testRedis();
  const proxy = CuttableProxy.forUrl(TEST_REDIS_URL);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-outage-'));
  const lines: { level: number; msg: string }[] = [];
  let database: TestDatabase;
  let app: FastifyInstance;
  let url: string;
  let direct: TestServer;

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers },
    });
    return { status: response.status, json: await response.json() as any };
  };
  const get = async (path: string, headers: Record<string, string>) => (await fetch(`${url}${path}`, { headers })).status;
  const redisLines = () => lines.filter((line) => line.msg.startsWith('Redis at '));

  before(async () => {
    database = await createTestDatabase(dir);
    await proxy.start();
    const settings = loadSettings({
      cwd: dir,
      overrides: {
        databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, logLevel: 'info',
        redisUrl: proxy.urlFor(TEST_REDIS_URL), redisKeyPrefix: prefix, ...ROTATION,
      },
    });
    const clock = new TestClock();
    ({ app } = await buildServer({
      settings, clock: clock.read, logStream: { write: (line) => void lines.push(JSON.parse(line)) },
    }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    direct = await startServer({ databaseUrl: database.url, redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix, ...ROTATION });
    await direct.createUser(CREDENTIALS.username, CREDENTIALS.password);
  });

  after(async () => {
    await app?.close();
    await direct?.close();
    await proxy.cut();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  test('with Redis cut, requests answer as before and one warning is logged, without the URL\'s secrets', async () => {
    assert.equal(await eventually(() => app.tessera.redis?.status() === 'ready', HANG_GUARD_MS), true);
    await proxy.cut();
    assert.equal(await eventually(() => app.tessera.redis?.status() === 'down', HANG_GUARD_MS), true);

    const pair = await post('/api/token/', CREDENTIALS);
    assert.equal(pair.status, 200);
    assert.equal(await get('/studentapi/', { authorization: `Bearer ${pair.json.access}` }), 200);
    assert.equal(await get('/studentapi/', { authorization: 'Bearer not-a-token' }), 401);
    const rotated = await post('/api/token/refresh/', { refresh: pair.json.refresh });
    assert.equal(rotated.status, 200);
    // A retry within the grace window: the same successor, from the database.
    assert.equal((await post('/api/token/refresh/', { refresh: pair.json.refresh })).json.refresh, rotated.json.refresh);
    assert.equal((await post('/api/token/blacklist/', { refresh: rotated.json.refresh })).status, 200);
    assert.deepEqual((await post('/api/token/refresh/', { refresh: rotated.json.refresh })).json, BLACKLISTED);
    // The other server never heard through Redis, and still refuses: the database answers.
    assert.deepEqual((await direct.post('/api/token/refresh/', { refresh: rotated.json.refresh })).json, BLACKLISTED);
    assert.equal(await app.tessera.redis?.ping(), false);
    assert.equal((await app.tessera.counters.increment('outage', 60)).count, 1);

    await new Promise((resolve) => setTimeout(resolve, 1000)); // reconnection attempts keep failing meanwhile
    const logged = redisLines();
    assert.equal(logged.length, 1, JSON.stringify(logged));
    assert.equal(logged[0]!.level, 40);
    assert.match(logged[0]!.msg, /is unreachable/);
  });

  test('when Redis is back: one info line, and revocations fan out again both ways', async () => {
    await proxy.restore();
    assert.equal(await eventually(() => app.tessera.redis?.status() === 'ready', HANG_GUARD_MS), true);
    const logged = redisLines();
    assert.equal(logged.length, 2, JSON.stringify(logged));
    assert.equal(logged[1]!.level, 30);
    assert.match(logged[1]!.msg, /is reachable again/);

    const first = await direct.login(CREDENTIALS.username, CREDENTIALS.password);
    const firstJti = String(decodeJwt(first.refresh).claims.jti);
    assert.equal((await post('/api/token/blacklist/', { refresh: first.refresh })).status, 200);
    // Only a Redis message teaches another process a blacklisted jti (its poll reads cut-offs and
    // sessions), so the deadline only guards against a hang: 1 s failed on a machine at load 18.
    assert.equal(await eventually(() => direct.tessera.revocation.knowsRevoked(firstJti), HANG_GUARD_MS), true);

    const second = await direct.login(CREDENTIALS.username, CREDENTIALS.password);
    const secondJti = String(decodeJwt(second.refresh).claims.jti);
    assert.equal((await direct.post('/api/token/blacklist/', { refresh: second.refresh })).status, 200);
    assert.equal(await eventually(() => app.tessera.revocation.knowsRevoked(secondJti), HANG_GUARD_MS), true);
  });
});

describe('without Redis', () => {
  test('cut-offs still refuse a user\'s older tokens in this process; counters count in memory', async () => {
    const { server, user, refresh, auth: bearer } = await startSignedIn({}, CREDENTIALS);
    try {
      assert.equal(server.tessera.redis, null);
      assert.equal((await server.get('/studentapi/', bearer)).status, 200);
      await server.tessera.revocation.revokeAllForUser(user.id, new Date(server.clock.now + 1000));
      const refused = await server.get('/studentapi/', bearer);
      assert.equal(refused.status, 401);
      assert.equal(refused.json.messages[0].message, 'Token is blacklisted');
      assert.deepEqual((await server.post('/api/token/refresh/', { refresh })).json, BLACKLISTED);
      assert.deepEqual(await server.tessera.counters.increment('k', 60), { count: 1, resetInSeconds: 60 });
    } finally {
      await server.close();
    }
  });
});

test('closing the app closes its Redis connections', { skip: skip ?? false }, async () => {
  const prefix = randomPrefix();
  const server = await startServer({ redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix });
  const connection = server.tessera.redis!;
  assert.equal(connection.status(), 'ready');
  await server.close();
  assert.equal(connection.status(), 'closed');
  assert.equal(await eventually(() => connection.client.status === 'end', HANG_GUARD_MS), true);
});
