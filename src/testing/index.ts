/**
 * `tessera/testing`: for an application's tests. Tokens minted as a login mints them, a frozen
 * clock, a fast password hasher, an in-memory tessera, and `loginAs` for Fastify's `inject`,
 * any HTTP client (supertest, fetch) and Playwright's `storageState`. Refuses to load under
 * `NODE_ENV=production`: the guard is imported first, before anything else of it runs.
 */
import './production-guard.js';

export { PRODUCTION_REFUSAL } from './production-guard.js';
export { testClock, type TestClock } from './clock.js';
export { testPasswordHashers, TEST_HASH_ITERATIONS } from './password-hashers.js';
export { mintAccess, mintPair, type MintOptions, type TestUser, type TokenIssuer } from './mint.js';
export { testTessera, type TestTessera, type TestTesseraOptions, type TestUserInput } from './test-tessera.js';
export { loginAs, type InjectTarget, type Login, type LoginFor, type LoginOptions, type LoginTarget } from './login-as.js';
export { CLIENT_ACCESS_KEY, CLIENT_REFRESH_KEY, type BrowserTarget, type StorageState, type StorageStateCookie } from './storage-state.js';
