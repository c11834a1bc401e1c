import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { OutstandingToken, Store } from '../../src/store/index.js';
import { temporaryStore } from './helpers.js';

let store: Store;
let path: string;
let dispose: () => Promise<void>;
let userId: number;

const NOW = new Date('2026-01-01T12:00:00.000Z');
const DAY = 86400 * 1000;

before(async () => {
  ({ store, path, dispose } = await temporaryStore());
  userId = (await store.users.create({ username: 'owner', password: 'x' })).id;
});
after(async () => dispose());

function token(expiresAt = new Date(NOW.getTime() + DAY)): OutstandingToken {
  const jti = randomBytes(16).toString('hex');
  return { jti, token: `header.${jti}.signature`, userId, createdAt: NOW, expiresAt };
}

/** Reads the tables directly, to check what was written rather than what the repository says. */
function rows(): { outstanding: { id: number; jti: string }[]; blacklisted: { token_id: number }[] } {
  const raw = new Database(path, { readonly: true });
  try {
    return {
      outstanding: raw.prepare('SELECT id, jti FROM token_blacklist_outstandingtoken').all() as { id: number; jti: string }[],
      blacklisted: raw.prepare('SELECT token_id FROM token_blacklist_blacklistedtoken').all() as { token_id: number }[],
    };
  } finally {
    raw.close();
  }
}

function hasJti(jti: string): boolean {
  return rows().outstanding.some((r) => r.jti === jti);
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
  const { outstanding, blacklisted } = rows();
  const id = outstanding.find((r) => r.jti === t.jti)?.id;
  assert.equal(blacklisted.filter((b) => b.token_id === id).length, 1);
});

test('blacklisting a token never recorded records it first', async () => {
  const t = token();
  assert.equal(hasJti(t.jti), false);
  assert.equal(await store.tokens.blacklist(t, NOW), true);
  assert.equal(hasJti(t.jti), true);
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
  assert.equal(await store.tokens.rotate(previous, successor, NOW), true);
  assert.equal(await store.tokens.isBlacklisted(previous.jti), true);
  assert.equal(hasJti(successor.jti), true);
  assert.equal(await store.tokens.isBlacklisted(successor.jti), false);
});

test('rotate is all-or-nothing: the second rotate of a token returns false and records no successor', async () => {
  const previous = token();
  await store.tokens.recordOutstanding(previous);
  assert.equal(await store.tokens.rotate(previous, token(), NOW), true);
  const second = token();
  const before = await store.tokens.countOutstanding();
  assert.equal(await store.tokens.rotate(previous, second, NOW), false);
  assert.equal(hasJti(second.jti), false);
  assert.equal(await store.tokens.countOutstanding(), before);
});

test('rotate writes nothing when the successor cannot be recorded', async () => {
  const taken = token();
  await store.tokens.recordOutstanding(taken);
  const previous = token();
  await store.tokens.recordOutstanding(previous);
  // A successor whose jti is already outstanding violates the unique jti: the whole rotation rolls back.
  await assert.rejects(store.tokens.rotate(previous, { ...taken }, NOW));
  assert.equal(await store.tokens.isBlacklisted(previous.jti), false);
});

test('concurrent rotate calls (20) of one token: exactly one true, one successor recorded', async () => {
  const previous = token();
  await store.tokens.recordOutstanding(previous);
  const successors = Array.from({ length: 20 }, () => token());
  const results = await Promise.all(successors.map((s) => store.tokens.rotate(previous, s, NOW)));
  assert.equal(results.filter(Boolean).length, 1);
  const winner = successors[results.indexOf(true)]!;
  assert.equal(hasJti(winner.jti), true);
  assert.equal(successors.filter((s) => hasJti(s.jti)).length, 1);
});

test('flushExpired deletes only expired rows and their blacklist rows', async () => {
  const { dispose: disposeOwn, store: own, path: ownPath } = await temporaryStore();
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

    const raw = new Database(ownPath, { readonly: true });
    try {
      const jtis = (raw.prepare('SELECT jti FROM token_blacklist_outstandingtoken').all() as { jti: string }[]).map((r) => r.jti).sort();
      assert.deepEqual(jtis, [live.jti, liveBlacklisted.jti].sort());
      const blacklisted = raw.prepare(
        'SELECT o.jti FROM token_blacklist_blacklistedtoken b JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id',
      ).all() as { jti: string }[];
      assert.deepEqual(blacklisted.map((r) => r.jti), [liveBlacklisted.jti]);
      const orphans = raw.prepare('SELECT COUNT(*) AS n FROM token_blacklist_blacklistedtoken').get() as { n: number };
      assert.equal(orphans.n, 1);
    } finally {
      raw.close();
    }
    assert.equal(await own.tokens.isBlacklisted(liveBlacklisted.jti), true);
    assert.equal(await own.tokens.flushExpired(NOW), 0);
  } finally {
    await disposeOwn();
  }
});
