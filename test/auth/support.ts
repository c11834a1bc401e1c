import { createPasswordHashers } from '../../src/crypto/index.js';
import { openStore, type Store, type User } from '../../src/store/index.js';

export const hashers = createPasswordHashers();

/** A migrated in-memory store. */
export async function memoryStore(): Promise<Store> {
  const store = openStore('sqlite::memory:');
  await store.migrate();
  return store;
}

export async function addUser(store: Store, username: string, password: string, isActive = true): Promise<User> {
  return store.users.create({ username, password: await hashers.hash(password), isActive });
}

export function basic(userpass: string): string {
  return `Basic ${Buffer.from(userpass, 'utf8').toString('base64')}`;
}
