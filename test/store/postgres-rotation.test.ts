import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { openStore, type OutstandingToken } from '../../src/store/index.js';
import { createPostgresDatabase, TEST_ENGINE } from '../support/database.js';

const skip = TEST_ENGINE === 'postgres' ? false : 'PostgreSQL only (TESSERA_TEST_DATABASE=postgres): concurrent writers through two pools';
const NOW = new Date('2026-01-01T12:00:00.000Z');

function token(userId: number): OutstandingToken {
  const jti = randomBytes(16).toString('hex');
  return { jti, token: `header.${jti}.signature`, userId, createdAt: NOW, expiresAt: new Date(NOW.getTime() + 86_400_000) };
}

test('50 concurrent rotations of one token through two pools: exactly one wins, one successor recorded', { skip }, async () => {
  const database = await createPostgresDatabase();
  const a = openStore(database.url, { poolSize: 10 });
  const b = openStore(database.url, { poolSize: 10 });
  try {
    await a.migrate();
    const userId = (await a.users.create({ username: 'racer', password: 'x' })).id;
    const previous = token(userId);
    await a.tokens.recordOutstanding(previous);
    const successors = Array.from({ length: 50 }, () => token(userId));
    const results = await Promise.all(successors.map((s, i) => (i % 2 ? b : a).tokens.rotate(previous, s, NOW, true)));
    assert.equal(results.filter((r) => r === true).length, 1);
    const recorded = await a.database.db.selectFrom('token_blacklist_outstandingtoken').select('jti').execute();
    const jtis = new Set(recorded.map((r) => r.jti));
    assert.equal(successors.filter((s) => jtis.has(s.jti)).length, 1);
    assert.equal(jtis.has(successors[results.indexOf(true)]!.jti), true);
    assert.equal(await b.tokens.isBlacklisted(previous.jti), true);
    const blacklistRows = await b.database.db.selectFrom('token_blacklist_blacklistedtoken').select('id').execute();
    assert.equal(blacklistRows.length, 1);
  } finally {
    await a.close();
    await b.close();
    await database.drop();
  }
});
