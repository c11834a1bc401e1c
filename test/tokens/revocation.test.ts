import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openSharedState, type SharedState } from '../../src/core/shared-state.js';
import { RedisConnection, redisLocation, UserTokenCutoffRepository, type OutstandingToken, type Store } from '../../src/store/index.js';
import { ExpiringSet, Revocation } from '../../src/tokens/index.js';
import { deleteKeys, eventually, randomPrefix, redisSkipReason, testRedis, TEST_REDIS_URL } from '../support/redis.js';
import { temporaryStore } from '../store/helpers.js';

/**
 * How long a wait may take before the test calls it a hang. Not a latency claim (the fan-out's
 * speed is measured in bench/, not here): a loaded two-core machine can stall a process for a second.
 */
const HANG_GUARD_MS = 5000;

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const HOUR = 3600 * 1000;
const SETTINGS = { accessTokenLifetime: 300, refreshTokenLifetime: 86400 };

function outstanding(jti: string, expiresAt = new Date(NOW + HOUR)): OutstandingToken {
  return { jti, token: `token-${jti}`, userId: null, createdAt: new Date(NOW), expiresAt };
}

describe('ExpiringSet', () => {
  test('forgets a key at its expiry and never remembers an already expired one', () => {
    let now = 1000;
    const set = new ExpiringSet(10, () => now);
    set.add('a', 2000);
    set.add('old', 1000);
    assert.equal(set.has('a'), true);
    assert.equal(set.has('old'), false);
    now = 2000;
    assert.equal(set.has('a'), false);
  });

  test('keeps at most maxEntries, dropping the least recently used', () => {
    const set = new ExpiringSet(3, () => 0);
    for (const key of ['a', 'b', 'c']) set.add(key, 10);
    assert.equal(set.has('a'), true); // a is now the most recently used
    set.add('d', 10);
    assert.equal(set.size, 3);
    assert.equal(set.has('b'), false);
    assert.deepEqual(['a', 'c', 'd'].map((key) => set.has(key)), [true, true, true]);
  });
});

test('redisLocation never shows credentials', () => {
  assert.equal(redisLocation('redis://user:s3cret@cache.example:6380/2'), 'redis://cache.example:6380/2');
  assert.equal(redisLocation('redis://:s3cret@localhost'), 'redis://localhost:6379');
});

describe('Revocation without Redis', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  before(async () => ({ store, dispose } = await temporaryStore()));
  after(() => dispose());

  test('answers from the database, remembers revocations, never remembers "not blacklisted"', async () => {
    const revocation = new Revocation({
      tokens: store.tokens, cutoffs: new UserTokenCutoffRepository(store.database.db), redis: null, clock: () => NOW, maxTokenLifetime: 86400,
    });
    await revocation.start();
    try {
      assert.equal(await revocation.isBlacklisted('never-seen'), false);
      // Blacklisted behind its back (another process without Redis): the next question sees it.
      await store.tokens.blacklist(outstanding('never-seen'), new Date(NOW));
      assert.equal(await revocation.isBlacklisted('never-seen'), true);
      assert.equal(revocation.knowsRevoked('never-seen'), true);

      assert.equal(await revocation.blacklist(outstanding('mine'), new Date(NOW)), true);
      assert.equal(revocation.knowsRevoked('mine'), true);
      assert.equal(await revocation.blacklist(outstanding('mine'), new Date(NOW)), false);
    } finally {
      await revocation.close();
    }
  });

  test('cut-offs are persisted, only ever raised, and loaded again by a new process', async () => {
    const user = await store.users.create({ username: 'cutoff-user', password: '!' });
    const make = () => new Revocation({
      tokens: store.tokens, cutoffs: new UserTokenCutoffRepository(store.database.db), redis: null, clock: () => NOW, maxTokenLifetime: 86400,
    });
    const first = make();
    await first.start();
    assert.equal(first.cutoffFor(user.id), null);
    const later = new Date(NOW - 1000);
    assert.deepEqual(await first.revokeAllForUser(user.id, later), later);
    assert.deepEqual(await first.revokeAllForUser(user.id, new Date(NOW - 5000)), later, 'an earlier cut-off never lowers it');
    assert.deepEqual(first.cutoffFor(user.id), later);
    await first.close();

    const restarted = make();
    await restarted.start();
    assert.deepEqual(restarted.cutoffFor(user.id), later);
    await restarted.close();
  });
});

const skip = await redisSkipReason();

describe('Revocation fan-out through Redis', { skip: skip ?? false }, () => {
  const prefix = randomPrefix();
  const redis = skip ? null : testRedis();
  const stores: { store: Store; dispose(): Promise<void> }[] = [];
  const states: SharedState[] = [];

  /** A process of its own: its own database, the shared Redis prefix. */
  async function node(): Promise<{ store: Store; state: SharedState }> {
    const own = await temporaryStore();
    stores.push(own);
    const state = await openSharedState({
      settings: { ...SETTINGS, redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix },
      db: own.store.database.db, tokens: own.store.tokens, clock: () => NOW, maxRetryDelayMs: 200,
    });
    states.push(state);
    return { store: own.store, state };
  }

  after(async () => {
    for (const state of states) await state.close();
    for (const own of stores) await own.dispose();
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  test('a jti blacklisted on one process is refused by another without its database (by Redis)', async () => {
    const a = await node();
    const b = await node();
    assert.equal(await eventually(() => a.state.redis?.status() === 'ready' && b.state.redis?.status() === 'ready', HANG_GUARD_MS), true);
    assert.equal(await a.state.revocation.blacklist(outstanding('fan-1'), new Date(NOW)), true);
    assert.equal(await eventually(() => b.state.revocation.knowsRevoked('fan-1'), HANG_GUARD_MS), true);
    assert.equal(await b.store.tokens.isBlacklisted('fan-1'), false, "B's database never heard of it");
    assert.equal(await b.state.revocation.isBlacklisted('fan-1'), true);
  });

  test('rotation fans the previous token out too, and the key lives as long as the token', async () => {
    const a = await node();
    const b = await node();
    const expiresAt = new Date(NOW + 2 * HOUR);
    assert.equal(await a.state.revocation.rotate(outstanding('rot-1', expiresAt), outstanding('rot-2'), new Date(NOW), true), true);
    assert.equal(await eventually(() => b.state.revocation.knowsRevoked('rot-1'), HANG_GUARD_MS), true);
    assert.equal(b.state.revocation.knowsRevoked('rot-2'), false);
    const ttl = await redis!.pttl(`${prefix}revoked:jti:rot-1`);
    assert.ok(ttl > 2 * HOUR - 60_000 && ttl <= 2 * HOUR, `TTL ${ttl} ms is the token's remaining lifetime`);
  });

  test('a user cut-off reaches another process by Redis', async () => {
    const a = await node();
    const b = await node();
    const user = await a.store.users.create({ username: 'fan-user', password: '!' });
    const at = new Date(NOW - 10_000);
    await a.state.revocation.revokeAllForUser(user.id, at);
    assert.equal(await eventually(() => b.state.revocation.cutoffFor(user.id)?.getTime() === at.getTime(), HANG_GUARD_MS), true);
  });

  test('a session ended by reuse reaches another process with its reason, by message and by key', async () => {
    const a = await node();
    const b = await node();
    const user = await a.store.users.create({ username: 'fan-family', password: '!' });
    const at = new Date(NOW);
    for (const family of ['f'.repeat(32), 'e'.repeat(32)]) {
      await a.store.families.create({ family, userId: user.id, deviceName: '', userAgent: '', ip: '', at });
    }
    assert.equal(await a.state.revocation.revokeFamily('f'.repeat(32), at, 'reused'), true);
    assert.equal(await a.state.revocation.revokeFamily('e'.repeat(32), at), true);
    // B's database never heard of either family: what it knows came through Redis.
    assert.equal(await eventually(() => b.state.revocation.isFamilyRevoked('e'.repeat(32)), HANG_GUARD_MS), true);
    assert.equal(await eventually(() => b.state.revocation.isFamilyRevoked('f'.repeat(32)), HANG_GUARD_MS), true);
    assert.equal(await b.state.revocation.familyEndReason('f'.repeat(32)), 'reused');
    assert.equal(await b.state.revocation.familyEndReason('e'.repeat(32)), 'logout');
    assert.equal(await redis!.get(`${prefix}revoked:family:${'f'.repeat(32)}`), `${NOW + 86400 * 1000}:reused`);
    const c = await node();
    assert.equal(await eventually(() => c.state.revocation.isFamilyRevoked('f'.repeat(32)), HANG_GUARD_MS), true);
    assert.equal(await c.state.revocation.familyEndReason('f'.repeat(32)), 'reused');
  });

  test('a process that connects later catches up on revocations from the keys', async () => {
    const a = await node();
    await a.state.revocation.blacklist(outstanding('before-c'), new Date(NOW));
    const c = await node();
    assert.equal(await eventually(() => c.state.revocation.knowsRevoked('before-c'), HANG_GUARD_MS), true);
  });

  test('an unreachable Redis: one warning, revocations still work through the database', async () => {
    const own = await temporaryStore();
    stores.push(own);
    const lines: string[] = [];
    const logger = { warn: (m: string) => void lines.push(`warn ${m}`), info: (m: string) => void lines.push(`info ${m}`) };
    const started = Date.now();
    const state = await openSharedState({
      settings: { ...SETTINGS, redisUrl: 'redis://:hunter2@127.0.0.1:1/0', redisKeyPrefix: prefix },
      db: own.store.database.db, tokens: own.store.tokens, clock: () => NOW, logger, maxRetryDelayMs: 100,
    });
    states.push(state);
    assert.ok(Date.now() - started < 2500, 'start does not wait long for a Redis that refuses');
    assert.equal(state.redis?.status(), 'down');
    assert.equal(await state.redis?.ping(), false);
    assert.equal(await state.revocation.blacklist(outstanding('offline'), new Date(NOW)), true);
    assert.equal(await state.revocation.isBlacklisted('offline'), true);
    const counted = await state.counters.increment('k', 60);
    assert.equal(counted.count, 1);
    await new Promise((resolve) => setTimeout(resolve, 500)); // several reconnection attempts
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /^warn Redis at redis:\/\/127\.0\.0\.1:1\/0 is unreachable/);
    assert.doesNotMatch(lines[0]!, /hunter2/);
  });
});

test('RedisConnection closes cleanly while Redis is unreachable', async () => {
  const connection = new RedisConnection('redis://127.0.0.1:1', { prefix: 'x:', maxRetryDelayMs: 100 });
  assert.equal(await connection.settled(2000), 'down');
  await connection.close();
  assert.equal(connection.status(), 'closed');
});
