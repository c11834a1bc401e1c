import { createPasswordHashers } from '../../src/crypto/index.js';
import { openStore, type Store, type User } from '../../src/store/index.js';
import { temporaryStore } from '../store/helpers.js';
import { TEST_ENGINE } from '../support/database.js';

export const hashers = createPasswordHashers();

/**
 * A migrated store of its own: in memory on SQLite, a fresh database on the PostgreSQL run;
 * `close` also drops that database.
 */
export async function memoryStore(): Promise<Store> {
  if (TEST_ENGINE === 'sqlite') {
    const store = openStore('sqlite::memory:');
    await store.migrate();
    return store;
  }
  const { store, dispose } = await temporaryStore();
  return { ...store, close: dispose };
}

export async function addUser(store: Store, username: string, password: string, isActive = true): Promise<User> {
  return store.users.create({ username, password: await hashers.hash(password), isActive });
}

export function basic(userpass: string): string {
  return `Basic ${Buffer.from(userpass, 'utf8').toString('base64')}`;
}
