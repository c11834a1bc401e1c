import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPasswordHashers, createTessera, loadSettings, type Settings, type Tessera } from '../../src/index.js';
import { cookieHandOver, refreshOncePerWave, tesseraWeb } from '../../src/web/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TEST_SIGNING_KEY } from '../support/server.js';

const ACCESS = '__Host-tessera-access';
const REFRESH = '__Host-tessera-refresh';
const origin = 'http://localhost';

/**
 * refreshOncePerWave and cookieHandOver against a real tessera with rotation and
 * blacklist-after-rotation and no token families (so no grace window): a second refresh of a
 * rotated token is refused, which is what a wave refreshing more than once would run into.
 */
describe('tessera/web: refreshing once per request wave', () => {
  let dir: string;
  let database: TestDatabase;
  let tessera: Tessera;
  let now = Date.parse('2026-01-01T12:00:00Z');
  const logged: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-wave-'));
    database = await createTestDatabase(dir);
    const overrides: Partial<Settings> = {
      databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, authCookies: 'both',
      rotateRefreshTokens: true, blacklistAfterRotation: true, tokenFamilies: false, accessTokenLifetime: 300,
    };
    tessera = createTessera({
      settings: loadSettings({ cwd: dir, overrides }),
      clock: () => now,
      logger: { info: () => undefined, warn: () => undefined, error: (message) => { logged.push(message); } },
    });
    await tessera.migrate();
    await tessera.store.users.create({ username: 'shoumitro', email: 's@example.com', password: await createPasswordHashers().hash('Ab12345678') });
  });
  after(async () => {
    await tessera.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = () => tessera.tokens.obtainPair({ username: 'shoumitro', password: 'Ab12345678' });
  const refreshedEvents = async () => (await tessera.audit.list({ type: 'token_refreshed' })).length;
  const page = (cookie?: string) => new Request(`${origin}/profile`, { headers: cookie ? { cookie, 'user-agent': 'wave-test' } : {} });
  const cookiesOf = (headers: Headers) => new Map((headers.get('cookie') ?? '').split('; ').filter(Boolean).map((pair) => pair.split('=') as [string, string]));

  test('ten parallel refreshes of one token are one refresh: one successor, one audit event, the same tokens for all', async () => {
    const pair = await login();
    const outstandingBefore = await tessera.store.tokens.countOutstanding();
    const eventsBefore = await refreshedEvents();
    const refresher = refreshOncePerWave(tessera);
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresher.refresh(pair.refresh, { ip: '192.0.2.1', path: '/profile' })));
    assert.equal(refresher.refreshes, 1);
    assert.equal(new Set(answers.map((answer) => answer.refresh)).size, 1);
    assert.equal(new Set(answers.map((answer) => answer.access)).size, 1);
    assert.equal(await tessera.store.tokens.countOutstanding(), outstandingBefore + 1);
    assert.equal(await refreshedEvents(), eventsBefore + 1);
    const [event] = await tessera.audit.list({ type: 'token_refreshed' });
    assert.equal(event!.username, 'shoumitro');
    assert.equal(event!.ip, '192.0.2.1');
    // What the wave saved: the token is rotated, so a second refresh of it is refused.
    await assert.rejects(tessera.tokens.refresh(pair.refresh), /blacklisted/);
  });

  test('late members within the window get the same tokens; after it, the old token is refused, not refreshed again', async () => {
    const pair = await login();
    const refresher = refreshOncePerWave(tessera, { reuseWindow: 10 });
    const first = await refresher.refresh(pair.refresh);
    now += 9_000;
    assert.deepEqual(await refresher.refresh(pair.refresh), first);
    assert.equal(refresher.refreshes, 1);
    now += 2_000;
    await assert.rejects(refresher.refresh(pair.refresh), /blacklisted/);
    assert.equal(refresher.refreshes, 2);
  });

  test('a refusal is shared by the wave and kept; a failure of ours is not kept', async () => {
    const pair = await login();
    await tessera.tokens.blacklist(pair.refresh);
    const refresher = refreshOncePerWave(tessera);
    const refusals = await Promise.allSettled(Array.from({ length: 5 }, () => refresher.refresh(pair.refresh)));
    assert.ok(refusals.every((result) => result.status === 'rejected' && /blacklisted/.test(String(result.reason))));
    await assert.rejects(refresher.refresh(pair.refresh), /blacklisted/);
    assert.equal(refresher.refreshes, 1);

    let calls = 0;
    const flaky = refreshOncePerWave(tessera, {
      refresh: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
        return { access: 'a', refresh: 'r' };
      },
    });
    await assert.rejects(flaky.refresh('token'), /database down/);
    assert.deepEqual(await flaky.refresh('token'), { access: 'a', refresh: 'r' });
    assert.equal(calls, 2);
  });

  test('it remembers at most maxWaves waves: a flood of distinct tokens does not grow it', async () => {
    let calls = 0;
    const refresher = refreshOncePerWave(tessera, { maxWaves: 2, refresh: async (token) => ({ access: `${token}-${++calls}` }) });
    await refresher.refresh('one');
    await refresher.refresh('two');
    await refresher.refresh('three'); // 'one' is forgotten to make room
    assert.equal((await refresher.refresh('three')).access, 'three-3');
    assert.equal((await refresher.refresh('one')).access, 'one-4');
    assert.equal(calls, 4);
  });

  test('cookieHandOver: nothing to do without a refresh cookie or with an access cookie still good', async () => {
    const pair = await login();
    const { handOver } = cookieHandOver(tessera);
    for (const request of [page(), page('theme=dark'), page(`${ACCESS}=${pair.access}; ${REFRESH}=${pair.refresh}`)]) {
      const handed = await handOver(request);
      assert.equal(handed.outcome, 'unchanged');
      assert.equal(handed.requestHeaders, request.headers);
      assert.deepEqual(handed.setCookie, []);
    }
    // renewBefore: a token expiring within it is already renewed.
    const early = await cookieHandOver(tessera, { renewBefore: 301 }).handOver(page(`${ACCESS}=${pair.access}; ${REFRESH}=${pair.refresh}`));
    assert.equal(early.outcome, 'refreshed');
  });

  test('cookieHandOver: an expired access cookie, ten requests at once: one refresh, and every request passes the new tokens on both ways', async () => {
    const pair = await login();
    now += 301_000; // the access token has expired; the browser would have dropped its cookie
    const handOff = cookieHandOver(tessera);
    const web = tesseraWeb(tessera);
    const wave = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      handOff.handOver(page(`theme=dark; ${i % 2 ? `${ACCESS}=${pair.access}; ` : ''}${REFRESH}=${pair.refresh}; csrftoken=abc`))));
    assert.equal(handOff.refresher.refreshes, 1);
    const first = cookiesOf(wave[0]!.requestHeaders);
    assert.notEqual(first.get(REFRESH), pair.refresh);
    for (const handed of wave) {
      assert.equal(handed.outcome, 'refreshed');
      const jar = cookiesOf(handed.requestHeaders);
      assert.equal(jar.get('theme'), 'dark');
      assert.equal(jar.get('csrftoken'), 'abc');
      assert.equal(jar.get(ACCESS), first.get(ACCESS));
      assert.equal(jar.get(REFRESH), first.get(REFRESH));
      assert.equal(handed.setCookie.length, 2);
      assert.match(handed.setCookie.find((c) => c.startsWith(`${ACCESS}=`))!, new RegExp(`^${ACCESS}=${first.get(ACCESS)}; expires=[^;]+; HttpOnly; Max-Age=300; Path=/; SameSite=Strict; Secure$`));
      assert.match(handed.setCookie.find((c) => c.startsWith(`${REFRESH}=`))!, new RegExp(`^${REFRESH}=${first.get(REFRESH)}; expires=[^;]+; HttpOnly; Max-Age=86400; Path=/; SameSite=Strict; Secure$`));
      assert.equal(handed.requestHeaders.get('user-agent'), 'wave-test');
    }
    // The page rendering the same request authenticates with the handed-over access cookie.
    const { user } = await web.authenticate(new Request(`${origin}/profile`, { headers: wave[3]!.requestHeaders }));
    assert.equal(user?.username, 'shoumitro');
    await web.close();
  });

  test('cookieHandOver: a refused refresh deletes the token cookies for the browser and for the page', async () => {
    const pair = await login();
    await tessera.tokens.blacklist(pair.refresh);
    const handed = await cookieHandOver(tessera).handOver(page(`theme=dark; ${REFRESH}=${pair.refresh}`));
    assert.equal(handed.outcome, 'refused');
    assert.deepEqual([...cookiesOf(handed.requestHeaders)], [['theme', 'dark']]);
    assert.deepEqual(handed.setCookie.map((c) => c.split(';')[0]).sort(), [`${ACCESS}=""`, `${REFRESH}=""`]);
    assert.ok(handed.setCookie.every((c) => c.includes('Max-Age=0')));
    // Only token cookies: the Cookie header goes when nothing else is left.
    const alone = await cookieHandOver(tessera).handOver(page(`${REFRESH}=${pair.refresh}`));
    assert.equal(alone.requestHeaders.get('cookie'), null);
  });

  test('cookieHandOver: a failure of ours leaves the cookies for a later try and is logged without the token', async () => {
    const pair = await login();
    const handOff = cookieHandOver(tessera, { refresh: async () => { throw new Error('database down'); } });
    const request = page(`${REFRESH}=${pair.refresh}`);
    const handed = await handOff.handOver(request);
    assert.equal(handed.outcome, 'unavailable');
    assert.equal(handed.requestHeaders, request.headers);
    assert.deepEqual(handed.setCookie, []);
    assert.ok(logged.some((line) => line.includes('refreshing an expired access cookie failed')));
    assert.ok(logged.every((line) => !line.includes(pair.refresh)));
  });

  test('cookieHandOver needs cookie mode "both": the page reads the access token from its cookie', async () => {
    const other = createTessera({ settings: loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, signingKey: TEST_SIGNING_KEY, authCookies: 'refresh' } }) });
    try {
      assert.throws(() => cookieHandOver(other), /authCookies "both"/);
    } finally {
      await other.close();
    }
  });
});
