import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TokenAuthentication } from '../../src/auth/index.js';
import { AuthenticationFailed } from '../../src/errors.js';
import { generateAuthTokenKey, type Store, type User } from '../../src/store/index.js';
import { addUser, memoryStore } from './support.js';

const NOW = new Date('2026-01-01T12:00:00Z');

describe('authtoken keys and repository', () => {
  let store: Store;
  let ann: User;
  before(async () => {
    store = await memoryStore();
    ann = await addUser(store, 'ann', 'pw-ann-12345');
  });
  after(() => store.close());

  test('keys are 40 lower-case hex characters, different each time', () => {
    const keys = new Set(Array.from({ length: 50 }, generateAuthTokenKey));
    assert.equal(keys.size, 50);
    for (const key of keys) assert.match(key, /^[0-9a-f]{40}$/);
  });

  test('get or create answers the same token until it is regenerated', async () => {
    const first = await store.authTokens.getOrCreate(ann.id, NOW);
    const second = await store.authTokens.getOrCreate(ann.id, NOW);
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.token.key, first.token.key);
    assert.equal(first.token.created.toISOString(), NOW.toISOString());

    const renewed = await store.authTokens.regenerate(ann.id, NOW);
    assert.notEqual(renewed.key, first.token.key);
    assert.equal(await store.authTokens.findByKey(first.token.key), null);
    assert.equal((await store.authTokens.findByKey(renewed.key))?.userId, ann.id);
  });

  test('concurrent get-or-create calls agree on one token', async () => {
    const bob = await addUser(store, 'bob', 'pw-bob-12345');
    const results = await Promise.all(Array.from({ length: 5 }, () => store.authTokens.getOrCreate(bob.id, NOW)));
    assert.equal(new Set(results.map((r) => r.token.key)).size, 1);
    assert.equal(results.filter((r) => r.created).length, 1);
  });

  test('the lookup is exact: no case folding, no prefix, nothing longer than a key', async () => {
    const { token } = await store.authTokens.getOrCreate(ann.id, NOW);
    assert.equal(await store.authTokens.findByKey(token.key.toUpperCase()), null);
    assert.equal(await store.authTokens.findByKey(token.key.slice(0, 39)), null);
    assert.equal(await store.authTokens.findByKey(`${token.key}0`), null);
    assert.equal(await store.authTokens.findByKey(''), null);
  });

  test('deleting the user deletes the token (on delete cascade)', async () => {
    const carl = await addUser(store, 'carl', 'pw-carl-12345');
    const { token } = await store.authTokens.getOrCreate(carl.id, NOW);
    await store.database.db.deleteFrom('auth_user').where('id', '=', carl.id).execute();
    assert.equal(await store.authTokens.findByKey(token.key), null);
  });
});

describe('TokenAuthentication', () => {
  let store: Store;
  let auth: TokenAuthentication;
  let annKey: string;
  let sleeperKey: string;
  before(async () => {
    store = await memoryStore();
    auth = new TokenAuthentication(store.authTokens, store.users);
    annKey = (await store.authTokens.getOrCreate((await addUser(store, 'ann', 'pw-ann-12345')).id, NOW)).token.key;
    sleeperKey = (await store.authTokens.getOrCreate((await addUser(store, 'sleeper', 'pw-sl-12345', false)).id, NOW)).token.key;
  });
  after(() => store.close());

  const failsWith = async (authorization: string, message: string) => {
    await assert.rejects(auth.authenticate({ method: 'GET', headers: { authorization } }), (error: unknown) => {
      assert.ok(error instanceof AuthenticationFailed);
      assert.equal(error.message, message);
      return true;
    });
  };

  test('a known key gives its user', async () => {
    assert.equal((await auth.authenticate({ method: 'GET', headers: { authorization: `Token ${annKey}` } }))?.user.username, 'ann');
    assert.equal((await auth.authenticate({ method: 'GET', headers: { authorization: `token ${annKey}` } }))?.user.username, 'ann');
  });
  test('other schemes are left to other classes', async () => {
    assert.equal(await auth.authenticate({ method: 'GET', headers: { authorization: `Bearer ${annKey}` } }), null);
    assert.equal(await auth.authenticate({ method: 'GET', headers: {} }), null);
  });
  test('DRF\'s messages, word for word', async () => {
    await failsWith('Token', 'Invalid token header. No credentials provided.');
    await failsWith(`Token ${annKey} x`, 'Invalid token header. Token string should not contain spaces.');
    await failsWith('Token caf\xe9', 'Invalid token header. Token string should not contain invalid characters.');
    await failsWith(`Token ${'0'.repeat(40)}`, 'Invalid token.');
    await failsWith(`Token ${sleeperKey}`, 'User inactive or deleted.');
  });
  test('the challenge is the keyword', () => {
    assert.equal(auth.authenticateHeader(), 'Token');
  });
});
