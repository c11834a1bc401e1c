import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTessera, type Tessera } from '../core/index.js';
import { makeUnusablePassword } from '../crypto/index.js';
import { loadSettings, type Settings } from '../settings/index.js';
import type { NewUser, User } from '../store/index.js';
import type { CustomClaims, TokenPair } from '../tokens/index.js';
import { testClock, type TestClock } from './clock.js';
import { loginAs, type LoginTarget, type LoginFor, type LoginOptions } from './login-as.js';
import { mintAccess, mintPair, type MintOptions, type TestUser } from './mint.js';
import { testPasswordHashers } from './password-hashers.js';

/** What `createUser` takes: a username, optionally a password (else unusable) and Django's flags. */
export type TestUserInput = Omit<NewUser, 'password'> & { password?: string };

/** A migrated tessera for tests, with its clock and the helpers bound to it. */
export interface TestTessera {
  tessera: Tessera;
  settings: Settings;
  /** The tessera's clock: frozen until `advance` or `set`. */
  clock: TestClock;
  /** Creates a user (the password hashed by the fast test hasher). */
  createUser(input: TestUserInput): Promise<User>;
  /** `mintAccess(tessera, user, options)`. */
  mintAccess(user: TestUser, options?: MintOptions): Promise<string>;
  /** `mintPair(tessera, user, options)`. */
  mintPair(user: TestUser, options?: MintOptions): Promise<TokenPair>;
  /** `loginAs(target, user, { tessera })`. */
  loginAs<T extends LoginTarget>(target: T, user: TestUser, options?: Omit<LoginOptions, 'tessera'>): Promise<LoginFor<T>>;
  /** Closes the tessera (and with it an in-memory database). */
  close(): Promise<void>;
}

/** What `testTessera` takes besides settings. */
export interface TestTesseraOptions {
  /** Default: `testClock()`, frozen at the real time now. */
  clock?: TestClock;
  customClaims?: CustomClaims;
}

/**
 * A tessera for tests: an in-memory SQLite database (or `settings.databaseUrl`), migrated, a
 * random HMAC key, the fast test password hasher and a frozen clock. `settings` override those
 * defaults and every other setting's, as `loadSettings`' overrides do; neither the environment
 * nor a `tessera.config.json` is read.
 */
export async function testTessera(settings: Partial<Settings> = {}, options: TestTesseraOptions = {}): Promise<TestTessera> {
  const resolved = loadSettings({
    env: {},
    // This module's own folder holds no tessera.config.json: the project's is not read either.
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    overrides: { databaseUrl: 'sqlite::memory:', signingKey: randomBytes(32).toString('hex'), ...settings },
  });
  const clock = options.clock ?? testClock();
  const hashers = testPasswordHashers();
  const tessera = createTessera({
    settings: resolved, clock, hashers, ...(options.customClaims ? { customClaims: options.customClaims } : {}),
  });
  try {
    await tessera.migrate();
  } catch (error) {
    await tessera.close();
    throw error;
  }
  return {
    tessera,
    settings: resolved,
    clock,
    createUser: async ({ password, ...rest }) =>
      password === undefined
        ? tessera.store.users.create({ ...rest, password: makeUnusablePassword() })
        : tessera.users.create({ ...rest, password }),
    mintAccess: (user, mint) => mintAccess(tessera, user, mint),
    mintPair: (user, mint) => mintPair(tessera, user, mint),
    loginAs: (target, user, login) => loginAs(target, user, { ...login, tessera }),
    close: () => tessera.close(),
  };
}

