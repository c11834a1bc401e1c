import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { createTessera } from '../../src/core/index.js';
import { isLoopback } from '../../src/server/metrics-route.js';
import { activeTracer, prometheusMetrics } from '../../src/telemetry/index.js';
import { deleteKeys, randomPrefix, redisSkipReason, TEST_REDIS_URL, testRedis } from '../support/redis.js';
import { startServer, TEST_USER, type TestServer } from '../support/server.js';
import { labelValues, sample } from './metrics-support.js';

const TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';
/** What Prometheus sends (text format accepted, JSON not asked for). */
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<string> {
  const answer = await server.get('/metrics', { accept: PROMETHEUS_ACCEPT, ...headers });
  assert.equal(answer.status, 200, answer.text);
  assert.match(answer.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return answer.text;
}

describe('GET /metrics: auth series after logins, refreshes, reuse and throttling', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      metrics: true, tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true,
      throttleRates: { login_account_failures: '2/min' },
    });
    await server.createUser(TEST_USER.username, TEST_USER.password);
    await server.createUser('victim', 'Ab12345678');
  });
  after(() => server.close());

  test('every series is there at zero before anything happened', async () => {
    const text = await scrape(server);
    for (const outcome of ['success', 'failure', 'throttled']) assert.equal(sample(text, `tessera_login_attempts_total{outcome="${outcome}"}`), 0, outcome);
    for (const outcome of ['rotated', 'grace', 'reused', 'refused']) assert.equal(sample(text, `tessera_token_refreshes_total{outcome="${outcome}"}`), 0, outcome);
    assert.equal(sample(text, 'tessera_jwks_fetch_failures_total'), 0);
    assert.match(text, /# TYPE tessera_revocation_fanout_seconds histogram/);
    assert.match(text, /# TYPE tessera_active_key_age_seconds gauge/);
    // The API docs list it, as every route the server serves.
    const docs = await server.get('/openapi.json');
    assert.equal(docs.status, 200);
    assert.ok(docs.json.paths['/metrics']?.get, 'GET /metrics in /openapi.json');
  });

  test('a login, a failed login, a refresh, a grace retry, a reuse and a throttled login are each counted once', async () => {
    const pair = await server.login();
    assert.equal((await server.post('/api/token/', { username: TEST_USER.username, password: 'wrong-password' })).status, 401);
    const rotated = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(rotated.status, 200);
    const retry = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(retry.status, 200, 'within the grace window');
    server.clock.advance(11);
    const reuse = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(reuse.status, 401);
    assert.equal(reuse.json.code, 'token_reused');
    const refused = await server.post('/api/token/refresh/', { refresh: 'not-a-token' });
    assert.equal(refused.status, 401);
    // Two failures allowed a minute for this account; the third attempt is refused before its check.
    for (let i = 0; i < 2; i++) assert.equal((await server.post('/api/token/', { username: 'victim', password: 'wrong' })).status, 401);
    const throttled = await server.post('/api/token/', { username: 'victim', password: 'wrong' });
    assert.equal(throttled.status, 429);

    const text = await scrape(server);
    assert.equal(sample(text, 'tessera_login_attempts_total{outcome="success"}'), 1);
    assert.equal(sample(text, 'tessera_login_attempts_total{outcome="failure"}'), 3);
    assert.equal(sample(text, 'tessera_login_attempts_total{outcome="throttled"}'), 1);
    assert.equal(sample(text, 'tessera_token_refreshes_total{outcome="rotated"}'), 1);
    assert.equal(sample(text, 'tessera_token_refreshes_total{outcome="grace"}'), 1);
    assert.equal(sample(text, 'tessera_token_refreshes_total{outcome="reused"}'), 1);
    assert.equal(sample(text, 'tessera_token_refreshes_total{outcome="refused"}'), 1);
    assert.equal(sample(text, 'tessera_sessions_ended_total{reason="reused"}'), 1);
    assert.equal(sample(text, 'tessera_throttled_total{rate="login_account_failures"}'), 1);
    assert.equal(sample(text, 'tessera_http_request_duration_seconds_count{route="/api/token/",status="200"}'), 1);
    assert.equal(sample(text, 'tessera_http_request_duration_seconds_count{route="/api/token/",status="429"}'), 1);
    assert.equal(sample(text, 'tessera_http_request_duration_seconds_count{route="/api/token/refresh/",status="401"}'), 2);
  });

  test('a logout ends a session by its reason', async () => {
    const before = sample(await scrape(server), 'tessera_sessions_ended_total{reason="logout"}') ?? 0;
    const pair = await server.login();
    assert.equal((await server.post('/api/sessions/logout-all/', {}, pair.auth)).status, 200);
    assert.equal(sample(await scrape(server), 'tessera_sessions_ended_total{reason="logout"}'), before + 1);
  });

  test('requests are labelled by route pattern, never by the URL they named', async () => {
    assert.equal((await server.get('/auth/users/activation/secret-uid/secret-token-in-url/')).status, 404);
    assert.equal((await server.get('/no/such/place-with-a-token/')).status, 404);
    const text = await scrape(server);
    for (const value of labelValues(text)) assert.doesNotMatch(value, /secret|place-with-a-token/, value);
    assert.ok((sample(text, 'tessera_http_request_duration_seconds_count{route="unmatched",status="404"}') ?? 0) >= 2);
  });

  test('the active key age is a sample only while a database key signs (HS256 settings key here: none)', async () => {
    assert.doesNotMatch(await scrape(server), /^tessera_active_key_age_seconds/m);
  });
});

describe('GET /metrics: keys, JWKS and revocation fan-out', () => {
  test('the active database key\'s age by kid, from the injected clock; after a rotation only the new kid', async () => {
    const server = await startServer({ metrics: true });
    try {
      const first = await server.tessera.keys.generate('ES256', { source: 'test' });
      server.clock.advance(3600);
      let text = await scrape(server);
      assert.equal(sample(text, `tessera_active_key_age_seconds{kid="${first.kid}"}`), 3600);
      await server.tessera.keys.generate('ES256', { source: 'test' });
      const { activated } = await server.tessera.keys.rotate({}, { source: 'test' });
      server.clock.advance(60);
      text = await scrape(server);
      assert.equal(sample(text, `tessera_active_key_age_seconds{kid="${activated.kid}"}`), 60);
      assert.equal(sample(text, `tessera_active_key_age_seconds{kid="${first.kid}"}`), undefined);
    } finally {
      await server.close();
    }
  });

  test('a jwkUrl that cannot be read counts a JWKS fetch failure', async () => {
    // Port 1 on loopback: nothing listens, the fetch fails at once.
    const server = await startServer({ metrics: true, jwkUrl: 'http://127.0.0.1:1/.well-known/jwks.json' });
    try {
      assert.ok((sample(await scrape(server), 'tessera_jwks_fetch_failures_total') ?? 0) >= 1);
    } finally {
      await server.close();
    }
  });

  test('with Redis, each revocation\'s announcement is observed in the fan-out histogram', async (t) => {
    const skip = await redisSkipReason();
    if (skip) {
      console.log(`# skipped: ${skip}`);
      return t.skip(skip);
    }
    const prefix = randomPrefix();
    const server = await startServer({ metrics: true, tokenFamilies: true, redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix });
    try {
      await server.createUser('fan', 'Ab12345678');
      const pair = await server.login('fan', 'Ab12345678');
      const before = sample(await scrape(server), 'tessera_revocation_fanout_seconds_count') ?? 0;
      assert.equal((await server.post('/api/sessions/logout-all/', {}, pair.auth)).status, 200);
      const text = await scrape(server);
      assert.ok(sample(text, 'tessera_revocation_fanout_seconds_count')! > before);
      assert.equal(sample(text, 'tessera_sessions_ended_total{reason="logout"}'), 1);
    } finally {
      await server.close();
      const redis = testRedis();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });
});

describe('GET /metrics: who may read it', () => {
  test('without metricsToken, loopback answers; another address gets 403 in DRF\'s shape', async () => {
    assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('::ffff:127.0.0.2'));
    assert.ok(!isLoopback('10.0.0.1') && !isLoopback('::ffff:192.168.1.2') && !isLoopback(undefined) && !isLoopback('1127.0.0.1'));
    const address = Object.values(networkInterfaces()).flat().find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
    if (!address) {
      console.log('# skipped the non-loopback request: this machine has no non-loopback IPv4 address');
      return;
    }
    const { buildServer } = await import('../../src/server/index.js');
    const server = await startServer({ metrics: true, allowedHosts: ['*'] });
    // A second listener of the same settings on every address, reached through the machine's own IP.
    const { app } = await buildServer({ settings: server.settings, logger: false });
    try {
      const url = await app.listen({ host: '0.0.0.0', port: 0 });
      const port = new URL(url).port;
      const outside = await fetch(`http://${address}:${port}/metrics`);
      assert.equal(outside.status, 403);
      assert.deepEqual(await outside.json(), { detail: 'You do not have permission to perform this action.' });
      assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
    } finally {
      await app.close();
      await server.close();
    }
  });

  test('with metricsToken, the Bearer token is required (401 with a challenge otherwise), loopback included', async () => {
    const server = await startServer({ metrics: true, metricsToken: TOKEN });
    try {
      const none = await server.get('/metrics');
      assert.equal(none.status, 401);
      assert.deepEqual(none.json, { detail: 'Authentication credentials were not provided.' });
      assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="api"');
      const wrong = await server.get('/metrics', { authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.json, { detail: 'Invalid token.' });
      const otherScheme = await server.get('/metrics', { authorization: `Basic ${TOKEN}` });
      assert.equal(otherScheme.status, 401);
      const text = await scrape(server, { authorization: `Bearer ${TOKEN}` });
      assert.match(text, /tessera_login_attempts_total/);
    } finally {
      await server.close();
    }
  });

  test('with metrics off (the default) there is no /metrics, and with no OpenTelemetry SDK no use case is wrapped', async () => {
    const server = await startServer();
    try {
      assert.equal(server.tessera.metrics, null);
      assert.equal(activeTracer(), null);
      // Wrapped use cases inherit from the plain object; unwrapped, it is the plain object itself.
      assert.equal(Object.getPrototypeOf(server.tessera.tokens), Object.prototype);
      assert.equal((await server.get('/metrics')).status, 404);
    } finally {
      await server.close();
    }
  });
});

describe('library users', () => {
  test('createTessera({ metrics: prometheusMetrics() }) counts into a registry they serve themselves', async () => {
    const server = await startServer();
    const metrics = prometheusMetrics();
    const core = createTessera({ settings: server.settings, store: server.store, metrics });
    try {
      await core.ready();
      await server.createUser('lib', 'Ab12345678');
      await core.tokens.obtainPair({ username: 'lib', password: 'Ab12345678' }).then((pair) => core.tokens.refresh(pair.refresh));
      const text = await metrics.registry.metrics();
      assert.equal(sample(text, 'tessera_token_refreshes_total{outcome="rotated"}'), 1);
      assert.equal(metrics.registry.contentType.split(';')[0], 'text/plain');
    } finally {
      await core.close();
      await server.close();
    }
  });
});
