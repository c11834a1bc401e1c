import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TesseraClient } from '../../src/client/index.js';
import { startServer, type TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'Ab12345678';
const REFRESH_COOKIE = '__Host-tessera-refresh';
const required = process.env.TESSERA_REQUIRE_SERVICES === '1';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (skip && required) throw new Error(`the client's transport browser tests need ${CHROMIUM} (TESSERA_REQUIRE_SERVICES=1)`);
if (skip) console.log(`client transport browser tests skipped: ${skip}`);

/** What the page holds; the root tsconfig has no DOM types, so pages are reached through this cast. */
type PageGlobals = {
  client: TesseraClient;
  shift: number;
  sent: Array<string | null>;
  document: { cookie: string };
};

/**
 * A page with tessera/client bundled as `tessera` and one client, in cookie mode with `?cookies`.
 * Its fetch notes each call's `X-Tessera-Transport`.
 */
const PAGE_SCRIPT = `
window.shift = 0;
window.sent = [];
const cookies = new URLSearchParams(location.search).has('cookies');
window.client = new tessera.TesseraClient({
  cookies,
  now: () => Date.now() + window.shift,
  fetch: (input, init) => { window.sent.push(new Headers(init && init.headers).get('x-tessera-transport')); return fetch(input, init); },
});
`;

describe('tessera/client in Chromium against a server whose authCookies default is off', { skip }, () => {
  let browser: Browser;
  let server: TestServer;
  let open: (query: string) => Promise<Page>;

  before(async () => {
    const [built, launched, started] = await Promise.all([
      build({ entryPoints: ['src/client/index.ts'], bundle: true, format: 'iife', globalName: 'tessera', write: false, target: 'es2022' }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] }),
      startServer({ rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false }),
    ]);
    browser = launched;
    server = started;
    server.clock.now = Date.now(); // The browser's clock is real: start the server's there.
    await server.createUser('alice', PASSWORD);
    const html = `<!doctype html><title>client</title><script>${built.outputFiles[0]!.text}</script><script>${PAGE_SCRIPT}</script>`;
    open = async (query) => {
      const context = await browser.newContext();
      await context.route((url) => url.pathname === '/client/', (route) => route.fulfill({ contentType: 'text/html', body: html }));
      const page = await context.newPage();
      await page.goto(`${server.url}/client/?${query}`);
      return page;
    };
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const login = (page: Page) => page.evaluate((password) => (globalThis as unknown as PageGlobals).client.login('alice', password), PASSWORD);
  const refreshCookie = async (page: Page) => (await page.context().cookies()).find((cookie) => cookie.name === REFRESH_COOKIE);

  test('a cookie-mode client asks for the cookie and gets it: HttpOnly, out of the page\'s reach, and it refreshes through it', async () => {
    const page = await open('cookies');
    await login(page);
    const cookie = await refreshCookie(page);
    assert.ok(cookie, 'the server set the refresh cookie though its default is the body');
    assert.equal(cookie.httpOnly, true);
    assert.equal((await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).includes(REFRESH_COOKIE), false);
    server.clock.advance(10 * 60);
    await page.evaluate((ms) => void ((globalThis as unknown as PageGlobals).shift += ms), 10 * 60 * 1000);
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).client.request<{ username: string }>('GET', '/api/user/').then((me) => me.username)), 'alice');
    const renewed = await refreshCookie(page);
    assert.ok(renewed && renewed.value !== cookie.value, 'rotated in the cookie');
    await page.evaluate(() => (globalThis as unknown as PageGlobals).client.logout());
    assert.equal(await refreshCookie(page), undefined, 'logout cleared it');
    // login, refresh, GET /api/user/ (no header: only the token calls carry it), logout.
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as PageGlobals).sent), ['cookie', 'cookie', null, 'cookie']);
    await page.context().close();
  });

  test('a client without cookie mode asks for the body, and no cookie is set', async () => {
    const page = await open('');
    await login(page);
    assert.equal(await refreshCookie(page), undefined);
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).client.refresh()), true);
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as PageGlobals).sent), ['body', 'body']);
    await page.context().close();
  });
});
