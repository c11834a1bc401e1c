import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { authenticateCredentials } from '../../src/auth/index.js';
import { createPasswordHashers } from '../../src/crypto/index.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../store/helpers.js';

let store: Store;
let dispose: () => Promise<void>;
before(async () => {
  ({ store, dispose } = await temporaryStore());
});
after(async () => dispose());

const hashers = createPasswordHashers();
const md5 = (salt: string, password: string) => `md5$${salt}$${createHash('md5').update(salt + password).digest('hex')}`;

test('a login replaces a weaker stored hash with the default one', async () => {
  const user = await store.users.create({ username: 'legacy', password: md5('salt', 'legacy-pass-1') });
  assert.equal((await authenticateCredentials({ users: store.users, hashers }, 'legacy', 'legacy-pass-1'))?.id, user.id);
  const stored = (await store.users.findById(user.id))!.password;
  assert.match(stored, /^argon2\$/);
  assert.equal((await hashers.verify('legacy-pass-1', stored)).valid, true);
});
