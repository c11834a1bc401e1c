import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildExampleServer, buildSpaServer, DEMO_USER, ensureDemoUser, SPA_BUILD_DIR } from '../../examples/students-spa/serve.js';
import { loadSettings } from '../../src/settings/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TEST_SIGNING_KEY, TestClock } from '../support/server.js';
import { totpCode } from '../support/totp.js';

const CHROMIUM = '/usr/bin/chromium';
const ACCESS_LIFETIME = 5 * 60;
const required = process.env.TESSERA_REQUIRE_SERVICES === '1';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (skip && required) throw new Error(`the example SPA test needs ${CHROMIUM} (TESSERA_REQUIRE_SERVICES=1)`);
if (skip) console.log(`example SPA tests skipped: ${skip}`);

/** Builds the SPA from its current sources (a few seconds), so the test never runs a stale build. */
function build(): void {
  const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'examples/students-spa/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  assert.equal(built.status, 0, 'vite build failed');
  assert.ok(existsSync(join(SPA_BUILD_DIR, 'index.html')));
}

describe('the students example SPA in a real browser (Debian chromium)', { skip }, () => {
  let app: FastifyInstance;
  let url: string;
  let dir: string;
  let database: TestDatabase;
  let browser: Browser;
  let page: Page;
  const clock = new TestClock(Date.now()); // The browser's clock is real: start the server's there.
  const refreshes: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    build();
    dir = mkdtempSync(join(tmpdir(), 'tessera-example-spa-'));
    database = await createTestDatabase(dir);
    const settings = loadSettings({
      cwd: dir,
      overrides: {
        databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, logLevel: 'silent',
        rotateRefreshTokens: true, blacklistAfterRotation: true, tokenFamilies: true,
      },
    });
    ({ app } = await buildExampleServer({ settings, clock: clock.read, logger: false }));
    await ensureDemoUser(app.tessera.store);
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      if (request.url().endsWith('/api/token/refresh/')) refreshes.push(request.url());
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const row = (name: string) => page.locator(`tr[data-student="${name}"]`);

  test('sign in: a wrong password shows DRF\'s detail, the right one opens the students', async () => {
    await page.goto(`${url}/spa/`);
    await page.getByLabel('Username').fill(DEMO_USER.username);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('No active account found with the given credentials').waitFor();
    await page.getByLabel('Password').fill(DEMO_USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('No students yet.').waitFor();
    assert.ok(await stored('tessera.refresh'), 'the pair is in localStorage');
  });

  test('create, edit and delete students through axios + attachTessera', async () => {
    const add = async (name: string, roll: string, city: string) => {
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Roll').fill(roll);
      await page.getByLabel('City').fill(city);
      await page.getByRole('button', { name: 'Add' }).click();
      await row(name).waitFor();
    };
    await add('ronaldo', '101', 'Lisbon');
    await add('messi', '102', 'argentina');
    await row('ronaldo').getByRole('button', { name: 'Edit' }).click();
    await row('ronaldo').getByRole('textbox', { name: 'City' }).fill('Madrid');
    await row('ronaldo').getByRole('button', { name: 'Save' }).click();
    await row('ronaldo').getByText('Madrid').waitFor();
    await row('messi').getByRole('button', { name: 'Delete' }).click();
    await row('messi').waitFor({ state: 'detached' });
    const students = (await app.inject({ url: '/studentapi/', headers: { authorization: `Bearer ${await accessToken()}` } })).json();
    assert.deepEqual(students, [{ id: 1, name: 'ronaldo', roll: 101, city: 'Madrid' }]);
  });

  test('"Signed in as" shows jwt-decode\'s user_id and expiry and /api/user/\'s username', async () => {
    await page.getByRole('button', { name: 'Signed in as' }).click();
    await page.locator('[data-test="username"]').getByText(DEMO_USER.username).waitFor();
    assert.equal(await page.locator('[data-test="user-id"]').textContent(), '1');
    assert.match((await page.locator('[data-test="expires"]').textContent()) ?? '', /in \d+ s/);
  });

  test('an expired access token: the next request refreshes once (on the 401) and goes through', async () => {
    const before = await accessToken();
    refreshes.length = 0;
    clock.advance(ACCESS_LIFETIME + 1);
    await page.getByRole('button', { name: 'Students' }).click();
    await row('ronaldo').waitFor();
    await page.getByRole('button', { name: 'Reload' }).click();
    await row('ronaldo').waitFor();
    assert.equal(refreshes.length, 1);
    assert.notEqual(await accessToken(), before);
    assert.deepEqual(pageErrors, []);
  });

  test('sign out blacklists the refresh token, shows the sign-in form with a notice, and signs out the other tab', async () => {
    // A second tab of the same browser shares localStorage: it is signed in without signing in.
    const otherTab = await page.context().newPage();
    await otherTab.goto(`${url}/spa/`);
    await otherTab.locator('tr[data-student="ronaldo"]').waitFor();
    const refresh = await stored('tessera.refresh');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').getByText('You signed out.').waitFor();
    await page.getByLabel('Username').waitFor();
    await otherTab.getByLabel('Username').waitFor();
    assert.equal(await stored('tessera.refresh'), null);
    const again = await app.inject({ method: 'POST', url: '/api/token/refresh/', payload: { refresh } });
    assert.equal(again.statusCode, 401);
    assert.equal(again.json().detail, 'Token is blacklisted');
    assert.deepEqual(pageErrors, []);
  });

  test('a user with a second factor: the password asks for the code, a wrong code is refused, the right one signs in', async () => {
    const user = (await app.tessera.store.users.findByUsername(DEMO_USER.username))!;
    const { secret } = await app.tessera.twoFactor.beginTotp(user);
    await app.tessera.twoFactor.confirmTotp(user, totpCode(secret, clock.now));
    clock.advance(30); // The confirming code's step is spent.
    try {
      await page.getByLabel('Username').fill(DEMO_USER.username);
      await page.getByLabel('Password').fill(DEMO_USER.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
      assert.equal(await stored('tessera.refresh'), null, 'no tokens before the second factor');
      const right = totpCode(secret, clock.now);
      await page.getByLabel('Code from your app').fill(right === '000000' ? '111111' : '000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('alert').getByText('Invalid code.').waitFor();
      await page.getByLabel('Code from your app').fill(right);
      await page.getByRole('button', { name: 'Verify' }).click();
      await row('ronaldo').waitFor();
      assert.ok(await stored('tessera.refresh'), 'the pair is in localStorage');
      assert.deepEqual(pageErrors, []);
    } finally {
      await app.tessera.twoFactor.disableTotp(user);
    }
  });

  /** A value of the page's localStorage (the root tsconfig has no DOM types, hence the cast). */
  function stored(key: string): Promise<string | null> {
    return page.evaluate((name) => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(name), key);
  }
  const accessToken = () => stored('tessera.access');
});

describe('the students SPA from an origin of its own, calling tessera through CORS (Debian chromium)', { skip }, () => {
  let api: FastifyInstance;
  let spa: FastifyInstance;
  let apiUrl = '';
  let spaUrl: string;
  let dir: string;
  let database: TestDatabase;
  let browser: Browser;
  const pageErrors: string[] = [];

  before(async () => {
    if (!existsSync(join(SPA_BUILD_DIR, 'index.html'))) build();
    dir = mkdtempSync(join(tmpdir(), 'tessera-example-spa-cors-'));
    database = await createTestDatabase(dir);
    // The SPA's server first, for its origin; it reads tessera's URL when the page is asked for.
    spa = await buildSpaServer(() => apiUrl);
    spaUrl = await spa.listen({ host: '127.0.0.1', port: 0 });
    const settings = loadSettings({
      cwd: dir,
      overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, logLevel: 'silent', corsAllowedOrigins: [spaUrl] },
    });
    ({ app: api } = await buildExampleServer({ settings, logger: false }));
    await ensureDemoUser(api.tessera.store);
    apiUrl = await api.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await spa?.close();
    await api?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('sign in and add a student from another origin; a page from an unlisted origin cannot read the answers', async () => {
    assert.notEqual(new URL(spaUrl).origin, new URL(apiUrl).origin);
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const crossOrigin: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(apiUrl)) crossOrigin.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
    await page.goto(`${spaUrl}/spa/`);
    await page.getByLabel('Username').fill(DEMO_USER.username);
    await page.getByLabel('Password').fill(DEMO_USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('No students yet.').waitFor();
    await page.getByLabel('Name').fill('ronaldo');
    await page.getByLabel('Roll').fill('101');
    await page.getByLabel('City').fill('Lisbon');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.locator('tr[data-student="ronaldo"]').waitFor();
    assert.ok(crossOrigin.includes('POST /api/token/') && crossOrigin.includes('POST /studentapi/'), crossOrigin.join(', '));
    assert.deepEqual(pageErrors, []);

    // The same call from a page tessera does not list: the browser refuses to hand over the answer.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(`${apiUrl}/no-such-page/`.replace('127.0.0.1', 'localhost'));
    const outcome = await stranger.evaluate(async (url) => {
      try {
        await fetch(`${url}/api/token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        return 'read';
      } catch {
        return 'refused';
      }
    }, apiUrl);
    assert.equal(outcome, 'refused');
  });
});
