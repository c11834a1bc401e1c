import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { LogoutReason, TesseraClient } from '../../src/client/index.js';
import type { Settings } from '../../src/settings/index.js';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'Ab12345678';
const ACCESS_LIFETIME = 5 * 60;
const TABS = 10;
const REFRESH_PATH = '/api/token/refresh/';
/** The Web Lock the client takes around a refresh (baseUrl '': same origin). */
const LOCK = `tessera ${REFRESH_PATH}`;
const REFRESH_COOKIE = '__Host-tessera-refresh';
const required = process.env.TESSERA_REQUIRE_SERVICES === '1';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (skip && required) throw new Error(`the client's tab tests need ${CHROMIUM} (TESSERA_REQUIRE_SERVICES=1)`);
if (skip) console.log(`client tab tests skipped: ${skip}`);

/** What each tab's page holds. The root tsconfig has no DOM types: pages are reached through these casts. */
interface Tab {
  client: TesseraClient;
  logouts: LogoutReason[];
  /** The last pair onTokens heard. */
  tokens: { access: string | null; refresh: string | null } | null;
  /** Milliseconds added to Date.now(): the test moves every tab's clock with the server's. */
  shift: number;
}
type TabGlobals = { tab: Tab };
type LockGlobals = { navigator: { locks: { query(): Promise<{ pending?: Array<{ name?: string }> }> } } };

/**
 * A tab of the app: tessera/client bundled as the global `tessera`, and one client on the same
 * origin. `?shared` keeps the tokens in localStorage (shared by the tabs), else in memory;
 * `?cookies` is cookie mode.
 */
const TAB_SCRIPT = `
const options = new URLSearchParams(location.search);
const tab = { logouts: [], tokens: null, shift: 0 };
tab.client = new tessera.TesseraClient({
  storage: options.has('shared') ? tessera.webStorage(localStorage) : tessera.memoryStorage(),
  cookies: options.has('cookies'),
  now: () => Date.now() + tab.shift,
  onLogout: (reason) => tab.logouts.push(reason),
  onTokens: (tokens) => { tab.tokens = tokens; },
});
window.tab = tab;
`;

/** A server, a browser context on it (its own cookies, storage and locks) and TABS tabs open at /tabs/?query. */
interface Rig {
  server: TestServer;
  context: BrowserContext;
  pages: Page[];
  /** POST /api/token/refresh/ requests that reached the server, whatever their answer. */
  refreshes: { count: number };
  open(query: string): Promise<Page>;
}

describe('tessera/client in several tabs of one browser (Debian chromium)', { skip }, () => {
  let browser: Browser;
  let bundle: string;
  /** Rotation and blacklist after rotation; the tabs keep the pair in localStorage. */
  let shared: Rig;
  /** The same in cookie mode (authCookies: refresh); each tab keeps its access token in memory. */
  let cookies: Rig;
  /** Every server started, closed at the end even when the set-up failed half-way. */
  const servers: TestServer[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    const built = await build({ entryPoints: ['src/client/index.ts'], bundle: true, format: 'iife', globalName: 'tessera', write: false, target: 'es2022' });
    bundle = built.outputFiles[0]!.text;
    const launched = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    }).then((started) => (browser = started));
    // Both servers start at once, and the browser with them: most of this file's time is set-up.
    [shared, cookies] = await Promise.all([rig(launched, {}, 'shared'), rig(launched, { authCookies: 'refresh' }, 'cookies')]);
  });
  after(async () => {
    await browser?.close();
    await Promise.all(servers.map((server) => server.close()));
  });

  async function rig(launched: Promise<Browser>, overrides: Partial<Settings>, query: string): Promise<Rig> {
    const server = await startServer({ rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false, ...overrides });
    servers.push(server);
    server.clock.now = Date.now(); // The browser's clock is real: start the server's there.
    const refreshes = { count: 0 };
    server.app.server.on('request', (request: { url?: string }) => {
      if (request.url?.startsWith(REFRESH_PATH)) refreshes.count++;
    });
    await server.createUser('alice', PASSWORD);
    const context = await (await launched).newContext();
    const html = `<!doctype html><title>tab</title><script>${bundle}</script><script>${TAB_SCRIPT}</script>`;
    await context.route((url) => url.pathname === '/tabs/', (route) => route.fulfill({ contentType: 'text/html', body: html }));
    const open = async (tabQuery: string) => {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${server.url}/tabs/?${tabQuery}`);
      return page;
    };
    const pages = await Promise.all(Array.from({ length: TABS }, () => open(query)));
    return { server, context, pages, refreshes, open };
  }

  /** Moves the server's clock, and every tab's by as much. */
  async function advance(server: TestServer, pages: Page[], seconds: number): Promise<void> {
    server.clock.advance(seconds);
    await Promise.all(pages.map((page) => page.evaluate((ms) => void ((globalThis as unknown as TabGlobals).tab.shift += ms), seconds * 1000)));
  }

  /**
   * Every tab calls GET /api/user/ at once. The first refresh to leave waits until every other tab
   * waits for the lock, so that they truly overlap; `overlapped` says whether they did.
   */
  async function wave(context: BrowserContext, pages: Page[]): Promise<{ answers: unknown[]; overlapped: boolean }> {
    let overlapped: Promise<boolean> | null = null;
    const matcher = (url: URL) => url.pathname === REFRESH_PATH;
    await context.route(matcher, async (route) => {
      overlapped ??= pages[0]!.evaluate(async ([name, count]) => {
        const { locks } = (globalThis as unknown as LockGlobals).navigator;
        for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
          const { pending = [] } = await locks.query();
          if (pending.filter((lock) => lock.name === name).length >= count) return true;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return false;
      }, [LOCK, TABS - 1] as const);
      await overlapped;
      await route.continue();
    });
    try {
      const answers = await Promise.all(
        pages.map((page) =>
          page.evaluate(() =>
            (globalThis as unknown as TabGlobals).tab.client
              .request<{ username: string }>('GET', '/api/user/')
              .then((me) => me.username, (error: { status?: number }) => error.status),
          ),
        ),
      );
      return { answers, overlapped: (await overlapped) ?? false };
    } finally {
      await context.unroute(matcher);
    }
  }

  const accessTokens = (pages: Page[]) => Promise.all(pages.map((page) => page.evaluate(() => (globalThis as unknown as TabGlobals).tab.client.accessToken())));
  const logoutsOf = (pages: Page[]) => Promise.all(pages.map((page) => page.evaluate(() => (globalThis as unknown as TabGlobals).tab.logouts)));
  /** Waits until `page`'s onTokens has heard `access` (another tab's news arrives by message). */
  const heard = (page: Page, access: string | null) =>
    page.waitForFunction((expected) => (globalThis as unknown as TabGlobals).tab.tokens?.access === expected, access, { timeout: 5000 });
  const login = (page: Page) => page.evaluate((password) => (globalThis as unknown as TabGlobals).tab.client.login('alice', password), PASSWORD);

  describe('tokens in localStorage, rotation and blacklist after rotation', () => {
    test(`${TABS} tabs with an expired access token: one refresh reaches the server, every tab ends with the new token`, async () => {
      const { server, context, pages, refreshes } = shared;
      await login(pages[0]!);
      const [before] = await accessTokens(pages);
      await advance(server, pages, ACCESS_LIFETIME + 1);
      const { answers, overlapped } = await wave(context, pages);
      assert.deepEqual(answers, Array(TABS).fill('alice'));
      assert.equal(refreshes.count, 1);
      const after = await accessTokens(pages);
      assert.notEqual(after[0], before);
      assert.deepEqual(after, Array(TABS).fill(after[0]));
      // Every tab's onTokens heard the new pair: the refreshing tab stored it, the others were told.
      for (const page of pages) await heard(page, after[0]!);
      assert.deepEqual(await logoutsOf(pages), Array(TABS).fill([]));
      assert.ok(overlapped, `the other ${TABS - 1} tabs waited for the lock while the first refresh was out`);
      assert.deepEqual(pageErrors, []);
    });

    test('a tab with a session of its own takes neither the others\' tokens nor their sign-out; theirs all sign out together', async () => {
      const { server, pages } = shared;
      const own = await shared.open('memory');
      await login(own);
      const ownAccess = (await accessTokens([own]))[0];
      assert.equal(await pages[0]!.evaluate(() => (globalThis as unknown as TabGlobals).tab.client.refresh()), true);
      const renewed = (await accessTokens(pages.slice(0, 1)))[0]!;
      for (const page of pages) await heard(page, renewed);
      assert.deepEqual(await accessTokens([own]), [ownAccess]);
      const refresh = await pages[0]!.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('tessera.refresh'));
      await pages[0]!.evaluate(() => (globalThis as unknown as TabGlobals).tab.client.logout());
      for (const page of pages) await heard(page, null);
      assert.deepEqual(await logoutsOf(pages), Array(TABS).fill(['logout']));
      assert.deepEqual(await accessTokens(pages), Array(TABS).fill(null));
      assert.deepEqual(await logoutsOf([own]), [[]]);
      assert.deepEqual(await accessTokens([own]), [ownAccess]);
      const again = await server.post(REFRESH_PATH, { refresh });
      assert.equal(again.status, 401, 'the session\'s refresh token was blacklisted');
      assert.deepEqual(pageErrors, []);
    });
  });

  describe('cookie mode (authCookies: refresh), tokens in memory, rotation and blacklist after rotation', () => {
    const refreshCookie = async () => (await cookies.context.cookies()).find((cookie) => cookie.name === REFRESH_COOKIE)?.value;

    test('every tab signed in, access tokens expired: one refresh, every tab takes its tokens, and the renewed cookie survives', async () => {
      const { server, context, pages, refreshes } = cookies;
      // Each tab signs in (memory storage); the browser keeps the last login's cookie, which every tab then shares.
      await Promise.all(pages.map(login));
      const cookie = await refreshCookie();
      assert.ok(cookie);
      const start = refreshes.count;
      await advance(server, pages, ACCESS_LIFETIME + 1);
      const { answers, overlapped } = await wave(context, pages);
      // Without the lock the other tabs would present the old cookie, be refused, and the refusal
      // would delete the cookie the first tab just renewed, signing every tab out.
      const renewed = await refreshCookie();
      assert.ok(renewed && renewed !== cookie, 'rotated, and still there');
      assert.deepEqual(await logoutsOf(pages), Array(TABS).fill([]));
      assert.deepEqual(answers, Array(TABS).fill('alice'));
      assert.equal(refreshes.count - start, 1);
      const after = await accessTokens(pages);
      assert.deepEqual(after, Array(TABS).fill(after[0]));
      assert.ok(overlapped);
      // The renewed cookie is good: the next refresh, from any tab, works.
      await advance(server, pages, ACCESS_LIFETIME + 1);
      assert.equal(await pages[TABS - 1]!.evaluate(() => (globalThis as unknown as TabGlobals).tab.client.refresh()), true);
      const latest = (await accessTokens(pages.slice(-1)))[0]!;
      for (const page of pages) await heard(page, latest);
      assert.deepEqual(pageErrors, []);
    });

    test('one tab re-authenticates after the login went stale: every tab takes the fresh access token (auth_time now), and the new cookie', async () => {
      const { server, pages } = cookies;
      const cookie = await refreshCookie();
      await advance(server, pages, 601); // Past freshLoginMaxAge (600 s by default).
      const stale = (await accessTokens(pages.slice(0, 1)))[0]!;
      assert.ok(Math.floor(server.clock.now / 1000) - Number(decodeJwt(stale).claims.auth_time) > 600, 'the refreshed token keeps the old login time');
      await pages[0]!.evaluate((password) => (globalThis as unknown as TabGlobals).tab.client.reauthenticate(password), PASSWORD);
      const fresh = (await accessTokens(pages.slice(0, 1)))[0]!;
      assert.equal(decodeJwt(fresh).claims.auth_time, Math.floor(server.clock.now / 1000));
      for (const page of pages) await heard(page, fresh);
      assert.deepEqual(await accessTokens(pages), Array(TABS).fill(fresh));
      const renewed = await refreshCookie();
      assert.ok(renewed && renewed !== cookie, 'the re-authentication\'s refresh token is in the cookie');
      assert.deepEqual(await logoutsOf(pages), Array(TABS).fill([]));
      assert.deepEqual(pageErrors, []);
    });

    test('the session ended elsewhere: one refused refresh, and every tab hears onLogout("revoked") once', async () => {
      const { server, context, pages, refreshes } = cookies;
      const cookie = await refreshCookie();
      const ended = await server.post('/api/token/blacklist/', { refresh: cookie });
      assert.equal(ended.status, 200);
      const start = refreshes.count;
      await advance(server, pages, ACCESS_LIFETIME + 1);
      const { answers, overlapped } = await wave(context, pages);
      assert.deepEqual(answers, Array(TABS).fill(401));
      assert.equal(refreshes.count - start, 1, 'the others learnt the verdict instead of asking again');
      assert.deepEqual(await logoutsOf(pages), Array(TABS).fill(['revoked']));
      assert.deepEqual(await accessTokens(pages), Array(TABS).fill(null));
      assert.ok(overlapped);
      assert.deepEqual(pageErrors, []);
    });
  });
});
