import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EmailTakenError, openStore, type Store } from '../../src/store/index.js';
import { temporaryStore } from './helpers.js';

let store: Store;
let url: string;
let dispose: () => Promise<void>;

before(async () => {
  ({ store, url, dispose } = await temporaryStore());
});
after(async () => dispose());

const HASH = 'argon2$argon2id$x';

test('findByLoginEmail finds the one account in any ASCII case, and nobody for a blank or shared email', async () => {
  const ann = await store.users.create({ username: 'ann-login', email: 'Ann.Login@Example.com', password: HASH });
  for (const spelling of ['ann.login@example.com', 'ANN.LOGIN@EXAMPLE.COM', 'Ann.Login@Example.com']) {
    assert.equal((await store.users.findByLoginEmail(spelling))?.id, ann.id, spelling);
  }
  assert.equal(await store.users.findByLoginEmail('ann.login@example.org'), null);
  assert.equal(await store.users.findByLoginEmail(''), null);
  // Only ASCII folds: the same on SQLite and PostgreSQL whatever the database's locale.
  const accented = await store.users.create({ username: 'eve-accent', email: 'Ève@example.com', password: HASH });
  assert.equal((await store.users.findByLoginEmail('Ève@EXAMPLE.com'))?.id, accented.id);
  assert.equal(await store.users.findByLoginEmail('ève@example.com'), null);
  // Without the unique rule (the default user model) two accounts may share one: no login picks either.
  await store.users.create({ username: 'twin-a', email: 'twin@example.com', password: HASH });
  await store.users.create({ username: 'twin-b', email: 'TWIN@example.com', password: HASH });
  assert.equal(await store.users.findByLoginEmail('twin@example.com'), null);
  const shared = await store.users.sharedEmails();
  assert.ok(shared.count >= 1);
  assert.ok(shared.first.includes('twin@example.com'), JSON.stringify(shared));
});

test('findByEmail matches exactly by default and in any case when asked', async () => {
  const bob = await store.users.create({ username: 'bob-reset', email: 'Bob.Reset@Example.com', password: HASH });
  assert.deepEqual((await store.users.findByEmail('bob.reset@example.com', true)).map((u) => u.id), []);
  assert.deepEqual((await store.users.findByEmail('bob.reset@example.com', true, { ignoringCase: true })).map((u) => u.id), [bob.id]);
  assert.deepEqual((await store.users.findByEmail('BOB.RESET@EXAMPLE.COM', false, { ignoringCase: true })).map((u) => u.id), []);
});

test('with uniqueEmail, create and setEmail refuse an email another account holds in any case', async () => {
  const carol = await store.users.create({ username: 'carol-u', email: 'carol@example.com', password: HASH }, { uniqueEmail: true });
  await assert.rejects(store.users.create({ username: 'carol-2', email: 'CAROL@example.COM', password: HASH }, { uniqueEmail: true }), EmailTakenError);
  assert.equal(await store.users.findByUsername('carol-2'), null);
  const dave = await store.users.create({ username: 'dave-u', email: 'dave@example.com', password: HASH }, { uniqueEmail: true });
  await assert.rejects(store.users.setEmail(dave.id, 'Carol@Example.com', { uniqueEmail: true }), EmailTakenError);
  assert.equal((await store.users.findById(dave.id))?.email, 'dave@example.com');
  // One's own email in another case is no conflict; blank emails never are.
  await store.users.setEmail(carol.id, 'Carol@Example.com', { uniqueEmail: true });
  assert.equal((await store.users.findById(carol.id))?.email, 'Carol@Example.com');
  await store.users.create({ username: 'blank-1', email: '', password: HASH }, { uniqueEmail: true });
  await store.users.create({ username: 'blank-2', email: '', password: HASH }, { uniqueEmail: true });
});

test('a burst of creates and email changes of one email in different cases, from two connections: exactly one holds it', async () => {
  // A second store is another process's pool: the rule must hold across connections, not only in one.
  const other = openStore(url);
  try {
    const movers = await Promise.all([0, 1, 2, 3].map((i) => store.users.create({ username: `mover-${i}`, email: `mover-${i}@example.com`, password: HASH })));
    const spellings = ['race@example.com', 'RACE@example.com', 'Race@Example.com', 'race@EXAMPLE.com', 'rAcE@example.COM', 'RACE@EXAMPLE.COM'];
    const attempts = [
      ...spellings.map((email, i) => (i % 2 ? other : store).users.create({ username: `racer-${i}`, email, password: HASH }, { uniqueEmail: true })),
      ...movers.map((mover, i) => (i % 2 ? store : other).users.setEmail(mover.id, spellings[i]!, { uniqueEmail: true })),
    ];
    const results = await Promise.allSettled(attempts);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1, JSON.stringify(lost.map((r) => String(r.reason))));
    for (const refusal of lost) assert.ok(refusal.reason instanceof EmailTakenError, String(refusal.reason));
    const holders = (await store.users.list()).filter((u) => u.email.toLowerCase() === 'race@example.com');
    assert.equal(holders.length, 1);
  } finally {
    await other.close();
  }
});
