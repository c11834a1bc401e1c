import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type OutstandingToken, type Store } from '../../src/store/index.js';
import { temporaryStore } from './helpers.js';

let store: Store;
let url: string;
let dispose: () => Promise<void>;
let userId: number;

const NOW = new Date('2026-01-01T12:00:00.000Z');
const DAY = 86400 * 1000;

before(async () => {
  ({ store, url, dispose } = await temporaryStore());
  userId = (await store.users.create({ username: 'owner', password: 'x' })).id;
});
after(async () => dispose());

function token(expiresAt = new Date(NOW.getTime() + DAY)): OutstandingToken {
  const jti = randomBytes(16).toString('hex');
  return { jti, token: `header.${jti}.signature`, userId, createdAt: NOW, expiresAt };
}

/** Reads the tables directly (a connection of its own), to check what was written rather than what the repository says. */
async function rows(at = url): Promise<{ outstanding: { id: number; jti: string }[]; blacklisted: { token_id: number }[] }> {
  const raw = openDatabase<unknown>(at);
  try {
    return {
      outstanding: (await sql<{ id: number; jti: string }>`SELECT id, jti FROM token_blacklist_outstandingtoken ORDER BY id`.execute(raw.db)).rows,
      blacklisted: (await sql<{ token_id: number }>`SELECT token_id FROM token_blacklist_blacklistedtoken ORDER BY id`.execute(raw.db)).rows,
    };
  } finally {
    await raw.close();
  }
}

async function hasJti(jti: string): Promise<boolean> {
  return (await rows()).outstanding.some((r) => r.jti === jti);
}

test('recordOutstanding keeps the first record of a jti', async () => {
  const t = token();
  const before = await store.tokens.countOutstanding();
  await store.tokens.recordOutstanding(t);
  await store.tokens.recordOutstanding({ ...t, token: 'other' });
  assert.equal(await store.tokens.countOutstanding(), before + 1);
  assert.equal(await store.tokens.isBlacklisted(t.jti), false);
});

test('blacklist returns true the first time and false after', async () => {
  const t = token();
  await store.tokens.recordOutstanding(t);
  assert.equal(await store.tokens.blacklist(t, NOW), true);
  assert.equal(await store.tokens.isBlacklisted(t.jti), true);
  assert.equal(await store.tokens.blacklist(t, NOW), false);
  const { outstanding, blacklisted } = await rows();
  const id = outstanding.find((r) => r.jti === t.jti)?.id;
  assert.equal(blacklisted.filter((b) => b.token_id === id).length, 1);
});

test('blacklisting a token never recorded records it first', async () => {
  const t = token();
  assert.equal(await hasJti(t.jti), false);
  assert.equal(await store.tokens.blacklist(t, NOW), true);
  assert.equal(await hasJti(t.jti), true);
  assert.equal(await store.tokens.isBlacklisted(t.jti), true);
});

test('concurrent blacklist calls: exactly one true', async () => {
  const t = token();
  await store.tokens.recordOutstanding(t);
  const results = await Promise.all(Array.from({ length: 20 }, () => store.tokens.blacklist(t, NOW)));
  assert.equal(results.filter(Boolean).length, 1);
});

test('rotate blacklists the presented token and records its successor', async () => {
  const previous = token();
  const successor = token();
  await store.tokens.recordOutstanding(previous);
  assert.equal(await store.tokens.rotate(previous, successor, NOW, true), true);
  assert.equal(await store.tokens.isBlacklisted(previous.jti), true);
  assert.equal(await hasJti(successor.jti), true);
  assert.equal(await store.tokens.isBlacklisted(successor.jti), false);
});

test('rotate records which token succeeded the rotated one only when asked (token families read it)', async () => {
  const successorOf = async (jti: string) => (await store.database.db
    .selectFrom('token_blacklist_outstandingtoken').select('successor_jti').where('jti', '=', jti).executeTakeFirstOrThrow()).successor_jti;
  const linked = token();
  const linkedSuccessor = token();
  await store.tokens.recordOutstanding(linked);
  assert.equal(await store.tokens.rotate(linked, linkedSuccessor, NOW, true), true);
  assert.equal(await successorOf(linked.jti), linkedSuccessor.jti);
  const unlinked = token();
  await store.tokens.recordOutstanding(unlinked);
  assert.equal(await store.tokens.rotate(unlinked, token(), NOW, false), true);
  assert.equal(await successorOf(unlinked.jti), null);
  assert.equal(await store.tokens.isBlacklisted(unlinked.jti), true);
});

test('rotate is all-or-nothing: the second rotate of a token returns false and records no successor', async () => {
  const previous = token();
  await store.tokens.recordOutstanding(previous);
  assert.equal(await store.tokens.rotate(previous, token(), NOW, true), true);
  const second = token();
  const before = await store.tokens.countOutstanding();
  assert.equal(await store.tokens.rotate(previous, second, NOW, true), false);
  assert.equal(await hasJti(second.jti), false);
  assert.equal(await store.tokens.countOutstanding(), before);
});

test('rotate writes nothing when the successor cannot be recorded', async () => {
  const taken = token();
  await store.tokens.recordOutstanding(taken);
  const previous = token();
  await store.tokens.recordOutstanding(previous);
  // A successor whose jti is already outstanding violates the unique jti: the whole rotation rolls back.
  await assert.rejects(store.tokens.rotate(previous, { ...taken }, NOW, true));
  assert.equal(await store.tokens.isBlacklisted(previous.jti), false);
});

test('concurrent rotations of different tokens all succeed; one that fails fails alone', async () => {
  const taken = token();
  await store.tokens.recordOutstanding(taken);
  const previous = Array.from({ length: 12 }, () => token());
  for (const p of previous) await store.tokens.recordOutstanding(p);
  const successors = previous.map(() => token());
  // The fifth successor's jti is already outstanding: only that rotation can fail.
  successors[4] = { ...taken };
  const results = await Promise.allSettled(previous.map((p, i) => store.tokens.rotate(p, successors[i]!, NOW, true)));
  assert.equal(results[4]!.status, 'rejected');
  assert.equal(await store.tokens.isBlacklisted(previous[4]!.jti), false);
  for (const [i, result] of results.entries()) {
    if (i === 4) continue;
    assert.deepEqual(result, { status: 'fulfilled', value: true });
    assert.equal(await store.tokens.isBlacklisted(previous[i]!.jti), true);
    assert.equal(await hasJti(successors[i]!.jti), true);
  }
});

test('concurrent rotate calls (20) of one token: exactly one true, one successor recorded', async () => {
  const previous = token();
  await store.tokens.recordOutstanding(previous);
  const successors = Array.from({ length: 20 }, () => token());
  const results = await Promise.all(successors.map((s) => store.tokens.rotate(previous, s, NOW, true)));
  assert.equal(results.filter(Boolean).length, 1);
  const winner = successors[results.indexOf(true)]!;
  assert.equal(await hasJti(winner.jti), true);
  const recorded = (await rows()).outstanding.map((r) => r.jti);
  assert.equal(successors.filter((s) => recorded.includes(s.jti)).length, 1);
});

test('flushExpired deletes only expired rows and their blacklist rows', async () => {
  const { dispose: disposeOwn, store: own, url: ownUrl } = await temporaryStore();
  try {
    const owner = (await own.users.create({ username: 'o', password: 'x' })).id;
    const make = (expiresAt: Date): OutstandingToken => {
      const jti = randomBytes(16).toString('hex');
      return { jti, token: jti, userId: owner, createdAt: NOW, expiresAt };
    };
    const expired = make(new Date(NOW.getTime() - DAY));
    const expiredBlacklisted = make(new Date(NOW.getTime() - 1000));
    const live = make(new Date(NOW.getTime() + DAY));
    const liveBlacklisted = make(new Date(NOW.getTime() + 1000));
    for (const t of [expired, expiredBlacklisted, live, liveBlacklisted]) await own.tokens.recordOutstanding(t);
    await own.tokens.blacklist(expiredBlacklisted, NOW);
    await own.tokens.blacklist(liveBlacklisted, NOW);

    assert.equal(await own.tokens.flushExpired(NOW), 2);

    const raw = openDatabase<unknown>(ownUrl);
    try {
      const jtis = (await sql<{ jti: string }>`SELECT jti FROM token_blacklist_outstandingtoken`.execute(raw.db)).rows.map((r) => r.jti).sort();
      assert.deepEqual(jtis, [live.jti, liveBlacklisted.jti].sort());
      const blacklisted = (await sql<{ jti: string }>`
        SELECT o.jti FROM token_blacklist_blacklistedtoken b JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id`.execute(raw.db)).rows;
      assert.deepEqual(blacklisted.map((r) => r.jti), [liveBlacklisted.jti]);
      const orphans = (await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM token_blacklist_blacklistedtoken`.execute(raw.db)).rows[0]!;
      assert.equal(Number(orphans.n), 1);
    } finally {
      await raw.close();
    }
    assert.equal(await own.tokens.isBlacklisted(liveBlacklisted.jti), true);
    assert.equal(await own.tokens.flushExpired(NOW), 0);
  } finally {
    await disposeOwn();
  }
});

test('flushExpired in small batches deletes every expired row and keeps the live ones', async () => {
  const { dispose: disposeOwn, store: own } = await temporaryStore();
  try {
    const owner = (await own.users.create({ username: 'b', password: 'x' })).id;
    const make = (expiresAt: Date): OutstandingToken => {
      const jti = randomBytes(16).toString('hex');
      return { jti, token: jti, userId: owner, createdAt: NOW, expiresAt };
    };
    const expired = Array.from({ length: 7 }, (_, i) => make(new Date(NOW.getTime() - (i + 1) * 1000)));
    const live = Array.from({ length: 3 }, (_, i) => make(new Date(NOW.getTime() + (i + 1) * 1000)));
    for (const t of [...expired, ...live]) await own.tokens.recordOutstanding(t);
    await own.tokens.blacklist(expired[0]!, NOW);

    // 7 rows in batches of 3: two full batches and a short one.
    assert.equal(await own.tokens.flushExpired(NOW, 3), 7);
    assert.equal(await own.tokens.countOutstanding(), 3);
    // An exact multiple of the batch size ends on an empty batch.
    for (const t of [make(new Date(NOW.getTime() - 1)), make(new Date(NOW.getTime() - 2))]) await own.tokens.recordOutstanding(t);
    assert.equal(await own.tokens.flushExpired(NOW, 2), 2);
    assert.equal(await own.tokens.countOutstanding(), 3);
  } finally {
    await disposeOwn();
  }
});
