import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { createPasswordHashers, createTessera, loadSettings, type Tessera } from '../../src/index.js';
import { cleanUp, freshFolder, startServe, TSX, type Program, type Served } from '../support/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { buildNextExample } from '../support/next-build.js';
import { TEST_SIGNING_KEY } from '../support/server.js';

const FOLDER = fileURLToPath(new URL('../../examples/nextjs/', import.meta.url));
const SERVER = join(FOLDER, 'server.ts');
const EXAMPLE: Program = { nodeArgs: ['--import', TSX, SERVER], script: SERVER };
const ACCESS = '__Host-tessera-access';
const REFRESH = '__Host-tessera-refresh';
const SIGNED_IN = '<span id="username">shoumitro</span>';
const HOUR = 3600_000;

/**
 * examples/nextjs for real: `next build`, then `npm run example:nextjs`'s server in production
 * mode, on rotation with blacklist-after-rotation and no token families (so no grace window: a
 * second refresh of a rotated token would be refused, and the page would show signed out).
 * Tokens that have already expired are issued by a tessera of this test whose clock is an hour
 * behind, on the example's database and key: no waiting, and the refreshed tokens are good for
 * the default five minutes, longer than any render.
 */
describe('examples/nextjs (npm run example:nextjs)', () => {
  let database: TestDatabase;
  let served: Served;
  /** An hour ago: what it issues has an access token expired 55 minutes ago and a refresh token good for 23 hours. */
  let anHourAgo: Tessera;

  before(async () => {
    const build = await buildNextExample();
    console.log(build.reused ? `# next build: reused ${build.distDir}` : `# next build: ${Math.round(build.ms / 1000)} s into ${build.distDir}`);
    const dir = freshFolder('tessera-nextjs-');
    database = await createTestDatabase(dir);
    const tokens = { authCookies: 'both', rotateRefreshTokens: 'true', blacklistAfterRotation: 'true' } as const;
    served = await startServe(dir, [], {
      NODE_ENV: 'production', TESSERA_NEXT_DIST_DIR: build.distDir, TESSERA_SIGNING_KEY: TEST_SIGNING_KEY,
      TESSERA_DATABASE_URL: database.url, TESSERA_AUTH_COOKIES: tokens.authCookies,
      TESSERA_ROTATE_REFRESH_TOKENS: tokens.rotateRefreshTokens, TESSERA_BLACKLIST_AFTER_ROTATION: tokens.blacklistAfterRotation,
    }, EXAMPLE);
    // The example migrated the database at start: the user can be created at once.
    anHourAgo = createTessera({
      settings: loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, signingKey: TEST_SIGNING_KEY, authCookies: 'both', rotateRefreshTokens: true, blacklistAfterRotation: true } }),
      clock: () => Date.now() - HOUR,
    });
    await anHourAgo.ready();
    await anHourAgo.store.users.create({ username: 'shoumitro', email: 's@example.com', password: await createPasswordHashers().hash('Ab12345678') });
  });
  after(async () => {
    await anHourAgo?.close();
    cleanUp();
    await database?.drop();
  });

  const page = (path: string, cookies: Record<string, string> = {}, headers: Record<string, string> = {}) => fetch(`${served.url}${path}`, {
    redirect: 'manual',
    headers: { cookie: Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; '), ...headers },
  });
  /** The `Set-Cookie` values of an answer, by cookie name. */
  const setCookies = (answer: Response) => new Map(answer.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), line]));
  const valueOf = (line: string | undefined) => line?.slice(line.indexOf('=') + 1, line.indexOf(';'));
  const expiredSession = () => anHourAgo.tokens.obtainPair({ username: 'shoumitro', password: 'Ab12345678' });

  test('is built only on the public API: the package root, tessera/web, the shared seed API, and Next.js and React', () => {
    // Relative imports stay in the folder, except the public faces: the package root, tessera/web, the seed API.
    const publicFaces = ['src/index.ts', 'src/web/index.ts', 'examples/seed-api/index.ts'].map((path) => join(FOLDER, '../..', path));
    const files = (path: string): string[] => readdirSync(path).flatMap((name) => {
      if (name.startsWith('.next')) return [];
      const full = join(path, name);
      return statSync(full).isDirectory() ? files(full) : /\.(ts|js|jsx)$/.test(name) ? [full] : [];
    });
    for (const file of files(FOLDER)) {
      for (const [, path] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
        if (!path!.startsWith('.')) {
          assert.match(path!, /^(next|react|node:)/, `${file.slice(FOLDER.length)} imports ${path}`);
          continue;
        }
        const target = join(dirname(file), path!).replace(/\.js$/, '.ts');
        assert.ok(target.startsWith(FOLDER) || publicFaces.includes(target), `${file.slice(FOLDER.length)} imports ${path}`);
      }
    }
  });

  test('signs in through the route handler; the server component shows the user; signed out it redirects to /signin', async () => {
    const login = await fetch(`${served.url}/api/token/`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'shoumitro', password: 'Ab12345678' }),
    });
    assert.equal(login.status, 200);
    const cookies = setCookies(login);
    assert.deepEqual([...cookies.keys()].sort(), [ACCESS, REFRESH, 'csrftoken'].sort());
    assert.match(cookies.get(ACCESS)!, /; HttpOnly; Max-Age=300; Path=\/; SameSite=Strict; Secure$/);
    const jar = { [ACCESS]: valueOf(cookies.get(ACCESS))!, [REFRESH]: valueOf(cookies.get(REFRESH))! };

    const profile = await page('/', jar);
    assert.equal(profile.status, 200);
    assert.ok((await profile.text()).includes(SIGNED_IN));
    assert.deepEqual(profile.headers.getSetCookie(), [], 'a good access cookie is left alone');
    // The same views under seed 000's and seed 004's names, DRF's answers.
    assert.deepEqual(await (await page('/api/user/', { [ACCESS]: jar[ACCESS] })).json(), { id: 1, username: 'shoumitro' });
    const seed004 = await fetch(`${served.url}/gettoken/`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'shoumitro', password: 'wrong' }),
    });
    assert.equal(seed004.status, 401);
    assert.deepEqual(await seed004.json(), { detail: 'No active account found with the given credentials' });
    assert.equal(seed004.headers.get('www-authenticate'), 'Bearer realm="api"');

    const signedOut = await page('/');
    assert.equal(signedOut.status, 307);
    assert.equal(signedOut.headers.get('location'), '/signin');
    const signIn = await page('/signin');
    assert.equal(signIn.status, 200);
    assert.match(await signIn.text(), /<h1>Sign in<\/h1>/);
  });

  test('ten parallel page requests with an expired access cookie: one refresh, every page rendered the user, every answer carried the new cookies', async () => {
    const session = await expiredSession();
    const outstanding = await anHourAgo.store.tokens.countOutstanding();
    const blacklisted = await anHourAgo.store.tokens.countBlacklisted();
    const refreshedEvents = async () => (await anHourAgo.audit.list({ type: 'token_refreshed' })).length;
    const events = await refreshedEvents();

    // A client-sent X-Forwarded-For is not taken for the address: the example's server sets the peer's.
    const wave = await Promise.all(Array.from({ length: 10 }, () =>
      page('/', { [ACCESS]: session.access, [REFRESH]: session.refresh }, { 'x-forwarded-for': '203.0.113.9' })));
    const bodies = await Promise.all(wave.map((answer) => answer.text()));
    const handedOver = wave.map(setCookies);
    const newAccess = valueOf(handedOver[0]!.get(ACCESS));
    const newRefresh = valueOf(handedOver[0]!.get(REFRESH));
    assert.ok(newAccess && newAccess !== session.access && newRefresh && newRefresh !== session.refresh);
    wave.forEach((answer, i) => {
      assert.equal(answer.status, 200, `request ${i}`);
      assert.ok(bodies[i]!.includes(SIGNED_IN), `request ${i} rendered the user`);
      assert.equal(valueOf(handedOver[i]!.get(ACCESS)), newAccess, `request ${i} carried the new access cookie`);
      assert.equal(valueOf(handedOver[i]!.get(REFRESH)), newRefresh, `request ${i} carried the new refresh cookie`);
      assert.match(handedOver[i]!.get(REFRESH)!, /; HttpOnly; Max-Age=86400; Path=\/; SameSite=Strict; Secure$/);
    });

    // Exactly one refresh, by tessera's own records: one successor issued, the old token
    // blacklisted by its rotation, one token_refreshed event.
    assert.equal(await anHourAgo.store.tokens.countOutstanding(), outstanding + 1);
    assert.equal(await anHourAgo.store.tokens.countBlacklisted(), blacklisted + 1);
    assert.equal(await refreshedEvents(), events + 1);
    const [event] = await anHourAgo.audit.list({ type: 'token_refreshed' });
    assert.deepEqual([event!.username, event!.ip, event!.detail.path], ['shoumitro', '127.0.0.1', '/']);
    // A second refresh of the same token would have been refused: the wave must not make one.
    await assert.rejects(anHourAgo.tokens.refresh(session.refresh), /blacklisted/);
    // The handed-over tokens are what the browser goes on with.
    assert.deepEqual(await (await page('/api/user/', { [ACCESS]: newAccess })).json(), { id: 1, username: 'shoumitro' });
    const next = await page('/', { [ACCESS]: newAccess, [REFRESH]: newRefresh });
    assert.ok((await next.text()).includes(SIGNED_IN));
    assert.deepEqual(next.headers.getSetCookie(), []);
  });

  test('a refused refresh (the refresh token blacklisted) deletes the cookies and shows signed out', async () => {
    const session = await expiredSession();
    await anHourAgo.tokens.blacklist(session.refresh);
    const answer = await page('/', { [ACCESS]: session.access, [REFRESH]: session.refresh, theme: 'dark' });
    assert.equal(answer.status, 307);
    assert.equal(answer.headers.get('location'), '/signin');
    const cleared = setCookies(answer);
    assert.deepEqual([...cleared.keys()].sort(), [ACCESS, REFRESH]);
    for (const line of cleared.values()) assert.match(line, /^__Host-tessera-(access|refresh)=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=0; Path=\/; SameSite=Strict; Secure$/);
    // A refresh cookie that is no token at all: the same, never a 500.
    for (const junk of ['junk', 'a.b.c', '%zz', 'x'.repeat(8000)]) {
      const refused = await page('/', { [REFRESH]: junk });
      assert.equal(refused.status, 307, junk.slice(0, 20));
      assert.deepEqual([...setCookies(refused).keys()].sort(), [ACCESS, REFRESH]);
    }
  });

  test('stops on SIGTERM with status 0', async () => {
    served.child.kill('SIGTERM');
    const exit = await served.exited;
    assert.equal(exit.code, 0, served.stderr());
  });
});

