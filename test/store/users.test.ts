import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openDatabase, openStore, UsernameTakenError, type Store } from '../../src/store/index.js';
import { temporaryStore } from './helpers.js';

let store: Store;
let url: string;
let dispose: () => Promise<void>;

before(async () => {
  ({ store, url, dispose } = await temporaryStore());
});
after(async () => dispose());

test('create stores a user as auth_user has it, and findByUsername / findById read it back', async () => {
  const joined = new Date('2026-01-01T12:00:00.000Z');
  const created = await store.users.create({
    username: 'alice', email: 'alice@example.com', password: 'argon2$argon2id$x', isStaff: true, dateJoined: joined,
  });
  assert.equal(typeof created.id, 'number');
  assert.deepEqual(created, {
    id: created.id, username: 'alice', email: 'alice@example.com', password: 'argon2$argon2id$x', firstName: '', lastName: '',
    isActive: true, isStaff: true, isSuperuser: false, dateJoined: joined, lastLogin: null,
  });
  assert.deepEqual(await store.users.findByUsername('alice'), created);
  assert.deepEqual(await store.users.findById(created.id), created);

  const raw = openDatabase<unknown>(url);
  try {
    const row = (await sql<Record<string, unknown>>`SELECT * FROM auth_user WHERE username = ${'alice'}`.execute(raw.db)).rows[0]!;
    assert.deepEqual(Object.keys(row).sort(), [
      'date_joined', 'email', 'first_name', 'id', 'is_active', 'is_staff', 'is_superuser', 'last_login', 'last_name', 'password', 'username',
    ]);
    assert.equal(row.is_staff, 1);
    assert.equal(row.is_superuser, 0);
    assert.equal(row.is_active, 1);
  } finally {
    await raw.close();
  }
});

test('unknown users are null; usernames match exactly', async () => {
  assert.equal(await store.users.findByUsername('nobody'), null);
  assert.equal(await store.users.findById(999999), null);
  assert.equal(await store.users.findByUsername('ALICE'), null);
});

test('an inactive superuser keeps its flags', async () => {
  const user = await store.users.create({ username: 'root', password: 'x', isSuperuser: true, isStaff: true, isActive: false });
  assert.equal(user.isSuperuser, true);
  assert.equal(user.isStaff, true);
  assert.equal(user.isActive, false);
  assert.equal(user.email, '');
});

test('a duplicate username throws UsernameTakenError and writes nothing', async () => {
  await store.users.create({ username: 'bob', password: 'first' });
  const before = await store.users.count();
  await assert.rejects(store.users.create({ username: 'bob', password: 'second' }), UsernameTakenError);
  assert.equal(await store.users.count(), before);
  assert.equal((await store.users.findByUsername('bob'))?.password, 'first');
});

test('concurrent creates of one username: one wins, the others get UsernameTakenError', async () => {
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => store.users.create({ username: 'racer', password: `p${i}` })),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) {
    if (r.status === 'rejected') assert.ok(r.reason instanceof UsernameTakenError, String(r.reason));
  }
});

test('setPassword and setLastLogin update one user', async () => {
  const carol = await store.users.create({ username: 'carol', password: 'old' });
  const dave = await store.users.create({ username: 'dave', password: 'old' });
  const when = new Date('2026-02-03T04:05:06.000Z');
  await store.users.setPassword(carol.id, 'new');
  await store.users.setLastLogin(carol.id, when);
  const after = await store.users.findById(carol.id);
  assert.equal(after?.password, 'new');
  assert.deepEqual(after?.lastLogin, when);
  const other = await store.users.findById(dave.id);
  assert.equal(other?.password, 'old');
  assert.equal(other?.lastLogin, null);
});

test('setPasswordIfUnchanged and activateIfUnchanged: of writers from one read, across stores, exactly one wins', async () => {
  const read = await store.users.create({ username: 'frank', email: 'frank@example.com', password: 'old', isActive: false });
  // A second store is a second pool, as another process would have.
  const other = openStore(url);
  try {
    const when = new Date('2026-02-03T04:05:06.000Z');
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? store : other).users.setPasswordIfUnchanged(read, `new-${i}`, when)));
    assert.equal(results.filter(Boolean).length, 1);
    const after = await store.users.findById(read.id);
    assert.equal(after?.password, `new-${results.indexOf(true)}`);
    assert.deepEqual(after?.lastLogin, when);

    // The read is stale now: its password is gone, so it activates nothing; a fresh read does, once.
    assert.equal(await store.users.activateIfUnchanged(read), false);
    const fresh = (await store.users.findById(read.id))!;
    const activations = await Promise.all([store, other, store, other].map((s) => s.users.activateIfUnchanged(fresh)));
    assert.deepEqual(activations.filter(Boolean).length, 1);
    assert.equal((await store.users.findById(read.id))?.isActive, true);
    // A changed email (a new address to confirm) also makes an older read stale.
    await store.users.setActive(read.id, false);
    await store.users.setEmail(read.id, 'frank@example.org');
    assert.equal(await store.users.activateIfUnchanged(fresh), false);
    assert.equal(await store.users.setPasswordIfUnchanged(fresh, 'newer'), false);
    assert.equal((await store.users.findById(read.id))?.isActive, false);
  } finally {
    await other.close();
  }
});

test('usernames are stored and looked up NFKC-normalized; a name stored unnormalized (imported) still names its own account', async () => {
  const ffoo = await store.users.create({ username: '\uFB00oo', password: 'x' });
  assert.equal(ffoo.username, 'ffoo');
  assert.equal((await store.users.findByUsername('\uFF46\uFF46oo'))?.id, ffoo.id);
  await assert.rejects(store.users.create({ username: '\uFF46foo', password: 'x' }), UsernameTakenError);
  const gus = await store.users.create({ username: 'gus', password: 'x' });
  await assert.rejects(store.users.setUsername(gus.id, '\uFB00oo'), UsernameTakenError);
  await store.users.setUsername(gus.id, '\uFF47\uFF55\uFF53tavo');
  assert.equal((await store.users.findById(gus.id))?.username, 'gustavo');

  // Rows Django wrote before it normalized (Django < 1.10), or with `objects.create`, keep their spelling.
  await store.database.db.insertInto('auth_user').values({
    username: '\uFB01sh', email: '', password: 'x', first_name: '', last_name: '', is_active: 1, is_staff: 0, is_superuser: 0,
    date_joined: new Date().toISOString(), last_login: null,
  }).execute();
  const legacy = await store.users.findByUsername('\uFB01sh');
  assert.equal(legacy?.username, '\uFB01sh');
  const fish = await store.users.create({ username: 'fish', password: 'x' });
  assert.equal((await store.users.findByUsername('\uFB01sh'))?.id, legacy?.id, 'the exact spelling wins');
  assert.equal((await store.users.findByUsername('fish'))?.id, fish.id);
  assert.equal((await store.users.findByUsername('\uFF46ish'))?.id, fish.id);
});

test('count counts users', async () => {
  const n = await store.users.count();
  await store.users.create({ username: 'erin', password: 'x' });
  assert.equal(await store.users.count(), n + 1);
});

test('migrate twice is a no-op that keeps the data', async () => {
  const n = await store.users.count();
  assert.deepEqual(await store.migrate(), []);
  const again = openStore(url);
  try {
    assert.deepEqual(await again.migrate(), []);
    assert.equal(await again.users.count(), n);
  } finally {
    await again.close();
  }
});

test('a fresh database applies the core migrations once', async () => {
  const { store: fresh, dispose: disposeFresh } = await temporaryStore();
  try {
    assert.deepEqual(await fresh.migrate(), []);
    assert.equal(await fresh.users.count(), 0);
  } finally {
    await disposeFresh();
  }
  const { store: empty, dispose: disposeEmpty } = await temporaryStore({ migrated: false });
  try {
    assert.deepEqual(await empty.migrate(), [
      '0001_core_initial', '0002_authtoken', '0003_sessions', '0005_user_token_cutoff', '0006_token_families', '0007_audit', '0008_signing_keys',
      '0009_token_family_end_reason', '0010_migration_owners', '0011_session_end_reasons', '0012_two_factor', '0013_passkeys', '0014_email_login',
      '0015_groups_permissions', '0017_signing_key_revocation',
    ]);
    assert.deepEqual(await empty.migrate(), []);
  } finally {
    await disposeEmpty();
  }
});

test('a database migrated before 0002_authtoken existed still takes it, after the application\'s own 0002', async () => {
  const { store: memory, dispose: disposeMemory } = await temporaryStore({ migrated: false });
  const { migrate } = await import('../../src/store/index.js');
  const { coreInitial } = await import('../../src/store/migrations/0001_core.js');
  const example = { '0002_example_students': { up: async () => {} } };
  try {
    // As tessera was: only the core's first migration, plus an application migration after it.
    const { Migrator } = await import('kysely');
    const old = new Migrator({
      db: memory.database.db as never,
      provider: { getMigrations: async () => ({ '0001_core_initial': coreInitial, ...example }) },
      migrationTableName: 'tessera_migrations',
      migrationLockTableName: 'tessera_migrations_lock',
    });
    assert.equal((await old.migrateToLatest()).error, undefined);
    const report = await migrate(memory.database.db as never, { owner: 'example', migrations: example });
    assert.deepEqual(report.applied, [
      '0002_authtoken', '0003_sessions', '0005_user_token_cutoff', '0006_token_families', '0007_audit', '0008_signing_keys',
      '0009_token_family_end_reason', '0010_migration_owners', '0011_session_end_reasons', '0012_two_factor', '0013_passkeys', '0014_email_login',
      '0015_groups_permissions', '0017_signing_key_revocation',
    ]);
  } finally {
    await disposeMemory();
  }
});

test('findRecentById: a change through the repository is seen at once, another process\'s within maxAgeMs', async () => {
  const user = await store.users.create({ username: 'recent', password: 'x' });
  assert.equal((await store.users.findRecentById(user.id, 60_000))!.isActive, true);
  await store.users.setActive(user.id, false);
  assert.equal((await store.users.findRecentById(user.id, 60_000))!.isActive, false, 'this process\'s change is seen at once');
  await store.users.setActive(user.id, true);
  assert.equal((await store.users.findRecentById(user.id, 300))!.isActive, true);
  // Another process (its own connection) changes the row: remembered for up to maxAgeMs.
  const other = openDatabase<unknown>(url);
  try {
    await sql`UPDATE auth_user SET is_active = 0 WHERE id = ${user.id}`.execute(other.db);
  } finally {
    await other.close();
  }
  assert.equal((await store.users.findRecentById(user.id, 300))!.isActive, true, 'remembered within maxAgeMs');
  assert.equal((await store.users.findRecentById(user.id, 0))!.isActive, false, '0 always reads the database');
  await new Promise((resolve) => setTimeout(resolve, 350));
  assert.equal((await store.users.findRecentById(user.id, 300))!.isActive, false, 'read again once older than maxAgeMs');
  // Each answer is a copy: changing one does not change what the next request gets.
  const copy = (await store.users.findRecentById(user.id, 60_000))!;
  copy.username = 'changed by a caller';
  assert.equal((await store.users.findRecentById(user.id, 60_000))!.username, 'recent');
  await store.users.delete(user.id);
  assert.equal(await store.users.findRecentById(user.id, 60_000), null, 'a deleted user is gone at once');
});
