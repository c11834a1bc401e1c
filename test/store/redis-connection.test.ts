import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { RedisConnection, SharedCounters } from '../../src/store/index.js';
import { deleteKeys, eventually, randomPrefix, redisSkipReason, testRedis, TEST_REDIS_URL } from '../support/redis.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const skip = await redisSkipReason();

/** Short, so the test is quick; the defaults are 500 ms and 2 s. */
const TIMEOUT_MS = 200;
const COOL_DOWN_MS = 300;

/** A connection to the test Redis through a proxy that can freeze it. */
async function frozenLater(coolDownMs: number): Promise<{ proxy: TcpProxy; connection: RedisConnection; prefix: string }> {
  const target = new URL(TEST_REDIS_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
  const proxied = new URL(TEST_REDIS_URL);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(await proxy.start());
  const prefix = randomPrefix();
  const connection = new RedisConnection(proxied.toString(), { prefix, commandTimeoutMs: TIMEOUT_MS, coolDownMs, maxRetryDelayMs: 100 });
  assert.equal(await connection.settled(), 'ready');
  return { proxy, connection, prefix };
}

/**
 * Commands written to Redis and not yet answered: ioredis's `commandQueue` (not in its types;
 * read here only, so a change in ioredis fails this test rather than passing it silently).
 */
function sentCommands(connection: RedisConnection): number {
  const queue = (connection.client as unknown as { commandQueue?: { length: number } }).commandQueue;
  assert.equal(typeof queue?.length, 'number', 'ioredis no longer has commandQueue: rewrite this check');
  return queue!.length;
}

describe('RedisConnection with a frozen Redis', { skip: skip ?? false }, () => {
  const redis = skip ? null : testRedis();
  const cleanups: (() => Promise<void>)[] = [];

  after(async () => {
    for (const cleanup of cleanups) await cleanup();
    redis?.disconnect();
  });

  const open = async (coolDownMs: number) => {
    const opened = await frozenLater(coolDownMs);
    cleanups.push(async () => {
      await opened.connection.close();
      await opened.proxy.close();
      if (redis) await deleteKeys(redis, opened.prefix);
    });
    return opened;
  };

  test('one timeout reports it down at once; its users skip it without waiting; a probe sees it back', async () => {
    const { proxy, connection } = await open(COOL_DOWN_MS);
    let readyAgain = 0;
    connection.onReady(() => readyAgain++);
    const counters = new SharedCounters(connection, Date.now);
    assert.equal((await counters.increment('k', 60)).count, 1);

    proxy.hang();
    await assert.rejects(connection.client.get(`${connection.prefix}k`), /timed out/);
    assert.equal(connection.status(), 'down');
    // Counters are not told anything: the status is enough for them to count in memory at once
    // (asking the frozen Redis would take a whole timeout).
    // Skipping it means sending it nothing: no command joins those waiting on the frozen socket
    // (a clock-based check of "did not wait" failed on a loaded machine).
    const sent = sentCommands(connection);
    assert.equal((await counters.increment('k', 60)).count, 1, 'counted in memory: Redis already holds 1');
    assert.equal(await connection.ping(), false);
    assert.equal(sentCommands(connection), sent, 'the counter and the ping sent the frozen Redis nothing');
    assert.equal(await connection.publish('channel', 'message'), false);

    // The probe after the cool-down times out too: still down, and asked again later.
    await new Promise((resolve) => setTimeout(resolve, COOL_DOWN_MS + TIMEOUT_MS + 50));
    assert.equal(connection.status(), 'down');

    proxy.resume();
    assert.equal(await eventually(() => connection.status() === 'ready', COOL_DOWN_MS + TIMEOUT_MS + 1000), true);
    assert.equal(readyAgain, 1);
    assert.equal((await counters.increment('k', 60)).count, 2);
  });

  test('a new connection closes the breaker without waiting for a probe', async () => {
    const { proxy, connection } = await open(60_000);
    proxy.hang();
    await assert.rejects(connection.client.ping(), /timed out/);
    assert.equal(connection.status(), 'down');
    await proxy.restore();
    assert.equal(await eventually(() => connection.status() === 'ready', 2000), true);
    assert.equal(await connection.ping(), true);
  });
});
