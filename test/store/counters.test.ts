import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MemoryCounters, RedisConnection, RedisCounters, SharedCounters } from '../../src/store/index.js';
import { deleteKeys, eventually, randomPrefix, redisSkipReason, testRedis, TEST_REDIS_URL } from '../support/redis.js';

describe('MemoryCounters', () => {
  test('counts within a window and starts again when it ends', async () => {
    let now = Date.UTC(2026, 0, 1);
    const counters = new MemoryCounters(() => now);
    assert.deepEqual(await counters.increment('login:1.2.3.4', 60), { count: 1, resetInSeconds: 60 });
    now += 20_500;
    assert.deepEqual(await counters.increment('login:1.2.3.4', 60), { count: 2, resetInSeconds: 40 });
    assert.deepEqual(await counters.increment('other', 60), { count: 1, resetInSeconds: 60 });
    now += 39_500;
    assert.deepEqual(await counters.increment('login:1.2.3.4', 60), { count: 1, resetInSeconds: 60 });
  });

  test('reset starts a key again; bad windows are refused', async () => {
    const counters = new MemoryCounters(() => 0);
    await counters.increment('k', 10);
    await counters.increment('k', 10);
    await counters.reset('k');
    assert.equal((await counters.increment('k', 10)).count, 1);
    await assert.rejects(counters.increment('k', 0), RangeError);
  });

  test('decrement gives one count back within the open window, never below zero, never opening one', async () => {
    let now = 0;
    const counters = new MemoryCounters(() => now);
    await counters.decrement('none');
    assert.equal(await counters.peek('none'), null);
    await counters.increment('k', 10);
    await counters.increment('k', 10);
    await counters.decrement('k');
    assert.deepEqual(await counters.peek('k'), { count: 1, resetInSeconds: 10 });
    await counters.decrement('k');
    await counters.decrement('k');
    assert.equal((await counters.peek('k'))?.count, 0);
    now += 10_000;
    await counters.decrement('k');
    assert.equal((await counters.increment('k', 10)).count, 1);
  });

  test('keeps at most maxKeys windows', async () => {
    const counters = new MemoryCounters(() => 0, 5);
    for (let i = 0; i < 20; i++) await counters.increment(`k${i}`, 10);
    assert.ok((counters as unknown as { windows: Map<string, unknown> }).windows.size <= 5);
  });
});

const skip = await redisSkipReason();

describe('RedisCounters', { skip: skip ?? false }, () => {
  const prefix = randomPrefix();
  const redis = skip ? null : testRedis();
  const connections: RedisConnection[] = [];
  const open = async () => {
    const connection = new RedisConnection(TEST_REDIS_URL, { prefix });
    connections.push(connection);
    assert.equal(await connection.settled(2000), 'ready');
    return connection;
  };

  after(async () => {
    for (const connection of connections) await connection.close();
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  test('concurrent increments from two clients are exact', async () => {
    const a = new RedisCounters(await open());
    const b = new RedisCounters(await open());
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).increment('race', 60)));
    const counts = results.map((r) => r.count).sort((x, y) => x - y);
    assert.deepEqual(counts, Array.from({ length: 200 }, (_, i) => i + 1), 'each increment saw a distinct count');
    assert.equal(await redis!.get(`${prefix}count:race`), '200');
    for (const r of results) assert.ok(r.resetInSeconds >= 1 && r.resetInSeconds <= 60);
    const ttl = await redis!.pttl(`${prefix}count:race`);
    assert.ok(ttl > 50_000 && ttl <= 60_000, `the window was set once, on the first increment (${ttl} ms left)`);
  });

  test('a window ends and the key starts again; reset deletes it', async () => {
    const counters = new RedisCounters(await open());
    assert.equal((await counters.increment('short', 1)).count, 1);
    assert.equal((await counters.increment('short', 1)).count, 2);
    assert.equal(await eventually(async () => (await redis!.exists(`${prefix}count:short`)) === 0, 3000), true);
    assert.deepEqual(await counters.increment('short', 1), { count: 1, resetInSeconds: 1 });
    await counters.reset('short');
    assert.equal(await redis!.exists(`${prefix}count:short`), 0);
  });

  test('decrement from two clients: exact, never below zero, the window kept, no key opened', async () => {
    const a = new RedisCounters(await open());
    const b = new RedisCounters(await open());
    for (let i = 0; i < 10; i++) await a.increment('give-back', 60);
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).decrement('give-back')));
    assert.equal(await redis!.get(`${prefix}count:give-back`), '0');
    const ttl = await redis!.pttl(`${prefix}count:give-back`);
    assert.ok(ttl > 50_000 && ttl <= 60_000, `the window's expiry is kept (${ttl} ms left)`);
    await a.decrement('never-counted');
    assert.equal(await redis!.exists(`${prefix}count:never-counted`), 0);
  });

  test('SharedCounters counts in Redis when it is up and in memory when it is not', async () => {
    const up = new SharedCounters(await open(), () => 0);
    assert.equal((await up.increment('shared', 60)).count, 1);
    assert.equal(await redis!.get(`${prefix}count:shared`), '1');

    const down = new RedisConnection('redis://127.0.0.1:1', { prefix, maxRetryDelayMs: 100 });
    connections.push(down);
    assert.equal(await down.settled(2000), 'down');
    const local = new SharedCounters(down, () => 0);
    assert.deepEqual(await local.increment('shared', 60), { count: 1, resetInSeconds: 60 });
    assert.deepEqual(await local.increment('shared', 60), { count: 2, resetInSeconds: 60 });
    assert.equal(await redis!.get(`${prefix}count:shared`), '1', 'Redis never saw the offline increments');
  });
});
