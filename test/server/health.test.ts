import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { RedisProbe } from '../../src/server/index.js';
import { startServer, type TestServer } from '../support/server.js';

const SECURITY_HEADERS = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  vary: 'Accept',
};

function assertUsualHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(headers.get(name), value, name);
  assert.equal(headers.get('allow'), 'GET, HEAD, OPTIONS');
}

/** `app.tessera.redis`, the seam the Redis work fills; swapped here for a probe we control. */
function withRedis(server: TestServer, probe: RedisProbe | undefined): () => void {
  const tessera = server.tessera as unknown as { redis?: unknown };
  const original = tessera.redis;
  tessera.redis = probe;
  return () => {
    tessera.redis = original;
  };
}

describe('GET /health/ and /ready/', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('/health/ answers 200 {"status": "ok"} without credentials, with the usual headers', async () => {
    const answer = await server.get('/health/');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { status: 'ok' });
    assert.equal(answer.headers.get('content-type'), 'application/json');
    assertUsualHeaders(answer.headers);
    const head = await server.request('HEAD', '/health/');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
  });

  test('/health without the slash answers the same', async () => {
    const answer = await server.get('/health');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { status: 'ok' });
  });

  test('/ready/ checks the database and says whether Redis is configured', async () => {
    const answer = await server.get('/ready/');
    assert.equal(answer.status, 200);
    const redis = (server.tessera as unknown as { redis?: unknown }).redis ? 'ok' : 'not configured';
    assert.deepEqual(answer.json, { status: 'ready', database: 'ok', redis });
    assertUsualHeaders(answer.headers);
  });

  test('OPTIONS and POST are answered as DRF answers them', async () => {
    const options = await server.request('OPTIONS', '/ready/');
    assert.equal(options.status, 200);
    assert.equal(options.json.name, 'Ready');
    assertUsualHeaders(options.headers);
    const post = await server.post('/health/', {});
    assert.equal(post.status, 405);
    assert.deepEqual(post.json, { detail: 'Method "POST" not allowed.' });
  });

  test('/ready/ with a Redis that answers PING is ready', async () => {
    const restore = withRedis(server, { ping: async () => 'PONG' });
    try {
      const answer = await server.get('/ready/');
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { status: 'ready', database: 'ok', redis: 'ok' });
    } finally {
      restore();
    }
  });

  test('/ready/ with a Redis that fails stays 200 (the database is the truth) and says Redis is down', async () => {
    const restore = withRedis(server, { ping: async () => { throw new Error('ECONNREFUSED'); } });
    try {
      const answer = await server.get('/ready/');
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { status: 'ready', database: 'ok', redis: 'unavailable' });
      assertUsualHeaders(answer.headers);
      assert.equal((await server.get('/health/')).status, 200);
    } finally {
      restore();
    }
  });

  test('/ready/ with a Redis link that reports PING failed (false) reports it, still ready', async () => {
    const restore = withRedis(server, { ping: async () => false });
    try {
      const answer = await server.get('/ready/');
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { status: 'ready', database: 'ok', redis: 'unavailable' });
    } finally {
      restore();
    }
  });

  test('/ready/ with a Redis that never answers reports it after a short timeout, not a hanging probe', async () => {
    const restore = withRedis(server, { ping: () => new Promise(() => {}) });
    try {
      const started = Date.now();
      const answer = await server.get('/ready/');
      assert.equal(answer.status, 200);
      assert.equal(answer.json.redis, 'unavailable');
      assert.ok(Date.now() - started < 10_000, 'the probe gave up on its own');
    } finally {
      restore();
    }
  });
});

describe('/ready/ with the database gone', () => {
  test('is 503 {"status": "not ready", "database": "unavailable"} while /health/ stays 200', async () => {
    const server = await startServer();
    try {
      await server.store.close();
      const ready = await server.get('/ready/');
      assert.equal(ready.status, 503);
      assert.equal(ready.json.status, 'not ready');
      assert.equal(ready.json.database, 'unavailable');
      assertUsualHeaders(ready.headers);
      const health = await server.get('/health/');
      assert.equal(health.status, 200);
      assert.deepEqual(health.json, { status: 'ok' });
    } finally {
      // The store is closed already; closing the app closes it again, which an engine may refuse.
      await server.app.close().catch(() => undefined);
      rmSync(server.dir, { recursive: true, force: true });
    }
  });
});
