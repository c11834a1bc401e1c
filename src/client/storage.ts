import type { TokenStorage } from './types.js';

/** Tokens in memory only (the default): gone on reload, out of reach of other scripts reading storage. */
export function memoryStorage(): TokenStorage {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => {
      values.set(key, value);
    },
    remove: (key) => {
      values.delete(key);
    },
  };
}

/** Tokens in localStorage / sessionStorage: survive reloads and are shared by tabs (localStorage), readable by any script on the page. */
export function webStorage(storage: {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
  removeItem(k: string): void;
}): TokenStorage {
  return {
    get: (key) => storage.getItem(key),
    set: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
  };
}
