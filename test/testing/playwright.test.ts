import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { loadSettings } from '../../src/index.js';
import { CONSOLE_BUILD_DIR } from '../../src/server/console.js';
import { buildServer } from '../../src/server/index.js';
import { CLIENT_ACCESS_KEY, CLIENT_REFRESH_KEY, loginAs, testClock, testPasswordHashers } from '../../src/testing/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// loginAs({ baseURL }) as a Playwright suite uses it: the storageState opens the ready server's
// console signed in, with no sign-in page and no password, in Debian's Chromium.

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.TESSERA_REQUIRE_SERVICES === '1';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (skip && required) throw new Error(`the storageState test needs ${CHROMIUM} (TESSERA_REQUIRE_SERVICES=1)`);
if (skip) console.log(`storageState browser test skipped: ${skip}`);

/** The tests run against the built console; build it once when a fresh tree has none. */
function ensureBuilt(): void {
  if (existsSync(join(CONSOLE_BUILD_DIR, 'index.html'))) return;
  const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  assert.equal(built.status, 0, 'vite build failed');
}

describe('loginAs for Playwright: a signed-in console from storageState (Debian chromium)', { skip }, () => {
  let dir: string;
  let database: TestDatabase;
  let app: FastifyInstance;
  let baseURL: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'tessera-testing-browser-'));
    database = await createTestDatabase(dir);
    const settings = loadSettings({
      cwd: dir,
      overrides: { databaseUrl: database.url, dataDir: dir, signingKey: 'p'.repeat(64), logLevel: 'silent', tokenFamilies: true },
    });
    // The browser's clock is real: the test clock starts at the real time and stands there.
    ({ app } = await buildServer({ settings, clock: testClock(), logger: false }));
    baseURL = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the console opens on the user\'s own page, and the pair moves from localStorage into the tab', async () => {
    const hash = await testPasswordHashers().hash('unused-pass-1234');
    const ann = await app.tessera.store.users.create({ username: 'ann', password: hash });
    const storageState = await loginAs({ baseURL }, ann, { tessera: app.tessera });
    assert.deepEqual(storageState.origins[0]?.localStorage.map((item) => item.name), [CLIENT_ACCESS_KEY, CLIENT_REFRESH_KEY]);

    const context = await browser.newContext({ storageState });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${baseURL}/console/`);
    await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
    // The session the storageState's login started is the one listed, on this device.
    await page.getByText('This device').first().waitFor();
    const stored = await page.evaluate(`[sessionStorage.getItem('${CLIENT_REFRESH_KEY}'), localStorage.getItem('${CLIENT_REFRESH_KEY}')]`) as [string | null, string | null];
    assert.equal(stored[0]?.split('.').length, 3, 'the tab holds the refresh token');
    assert.equal(stored[1], null, 'localStorage no longer does');

    // Without the storageState the same page asks to sign in: the state, not the browser, signed in.
    const anonymous = await browser.newContext();
    contexts.push(anonymous);
    const other = await anonymous.newPage();
    other.setDefaultTimeout(15_000);
    await other.goto(`${baseURL}/console/`);
    await other.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  });

  test('for a cookie-mode client: the refresh token in tessera\'s HttpOnly cookie, its marker in storage', async () => {
    const bob = await app.tessera.store.users.create({ username: 'bob', password: '!' });
    const state = await loginAs({ baseURL, transport: 'cookie' }, bob, { tessera: app.tessera });
    const [refresh, csrf] = state.cookies;
    assert.equal(refresh?.name, '__Host-tessera-refresh');
    assert.equal(refresh?.httpOnly, true);
    assert.equal(refresh?.secure, true);
    assert.equal(refresh?.path, '/');
    assert.equal(refresh?.domain, '127.0.0.1');
    assert.equal(csrf?.name, 'csrftoken');
    assert.equal(csrf?.httpOnly, false);
    assert.deepEqual(state.origins[0]?.localStorage.find((item) => item.name === CLIENT_REFRESH_KEY)?.value, 'cookie');
    // The browser takes them as they are.
    const context = await browser.newContext({ storageState: state });
    contexts.push(context);
    assert.deepEqual((await context.cookies(baseURL)).map((cookie) => cookie.name).sort(), ['__Host-tessera-refresh', 'csrftoken']);
  });
});
