import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadSettings, type Settings } from '../../src/settings/index.js';
import { decodeJwt, startServer, type Answer, type TestServer } from '../support/server.js';

const PASSWORD = 'tessera-pass-42';
const REFRESH = '__Host-tessera-refresh';
const ACCESS = '__Host-tessera-access';
const DELETED_EXPIRES = 'Thu, 01 Jan 1970 00:00:00 GMT';

/** The `Set-Cookie` lines of an answer, by cookie name. */
function setCookies(answer: Answer): Map<string, string> {
  return new Map(answer.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), line]));
}

/** The value a `Set-Cookie` line sets. */
function valueOf(line: string | undefined): string {
  assert.ok(line, 'the cookie is set');
  return line.slice(line.indexOf('=') + 1, line.indexOf(';'));
}

/** What a browser would send back: `name=value; ...`. */
function cookieHeader(cookies: Record<string, string>): { cookie: string } {
  return { cookie: Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ') };
}

function expiresIn(server: TestServer, seconds: number): string {
  return new Date(server.clock.now + seconds * 1000).toUTCString();
}

/** A login through `url`, answering the cookies it set and its body. */
async function login(server: TestServer, username: string, url = '/api/token/') {
  const answer = await server.post(url, { username, password: PASSWORD });
  assert.equal(answer.status, 200, answer.text);
  const cookies = setCookies(answer);
  return {
    answer,
    cookies,
    refresh: valueOf(cookies.get(REFRESH)),
    csrf: valueOf(cookies.get('csrftoken')),
  };
}

describe('cookie mode "refresh"', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authCookies: 'refresh', rotateRefreshTokens: true, blacklistAfterRotation: true });
    await server.createUser('alice', PASSWORD);
  });
  after(() => server.close());

  /** A refresh or logout the way the SPA sends it: no body, the cookies, and the CSRF header. */
  const fromCookie = (url: string, refresh: string, csrf: string | null, extra: Record<string, string> = {}) =>
    server.request('POST', url, {
      headers: { ...cookieHeader({ [REFRESH]: refresh, ...(csrf ? { csrftoken: csrf } : {}) }), ...(csrf ? { 'x-csrftoken': csrf } : {}), ...extra },
    });

  test('login sets the HttpOnly __Host- refresh cookie and a csrftoken cookie, and leaves refresh out of the body', async () => {
    const { answer, cookies, refresh, csrf } = await login(server, 'alice');
    assert.deepEqual(Object.keys(answer.json), ['access']);
    assert.equal(decodeJwt(answer.json.access).claims.token_type, 'access');
    assert.equal(decodeJwt(refresh).claims.token_type, 'refresh');
    assert.equal(
      cookies.get(REFRESH),
      `${REFRESH}=${refresh}; expires=${expiresIn(server, 86400)}; HttpOnly; Max-Age=86400; Path=/; SameSite=Strict; Secure`,
    );
    assert.match(csrf, /^[a-zA-Z0-9]{64}$/);
    assert.equal(cookies.get('csrftoken'), `csrftoken=${csrf}; expires=${expiresIn(server, 31449600)}; Max-Age=31449600; Path=/; SameSite=Lax`);
    assert.equal(cookies.has(ACCESS), false, 'the access token stays in the body in "refresh" mode');
  });

  test('djoser\'s /auth/jwt/create/ sets the cookie the same way', async () => {
    const { answer, refresh } = await login(server, 'alice', '/auth/jwt/create/');
    assert.deepEqual(Object.keys(answer.json), ['access']);
    assert.equal(decodeJwt(refresh).claims.token_type, 'refresh');
  });

  test('a refresh from the cookie without the CSRF token is refused with Django\'s reasons', async () => {
    const { refresh, csrf } = await login(server, 'alice');
    const noCookie = await fromCookie('/api/token/refresh/', refresh, null);
    assert.equal(noCookie.status, 403);
    assert.deepEqual(noCookie.json, { detail: 'CSRF Failed: CSRF cookie not set.' });
    assert.equal(setCookies(noCookie).size, 0, 'a CSRF failure leaves the cookie alone');

    const noHeader = await server.request('POST', '/api/token/refresh/', { headers: cookieHeader({ [REFRESH]: refresh, csrftoken: csrf }) });
    assert.deepEqual([noHeader.status, noHeader.json], [403, { detail: 'CSRF Failed: CSRF token missing.' }]);

    const wrong = await fromCookie('/api/token/refresh/', refresh, csrf, { 'x-csrftoken': 'a'.repeat(64) });
    assert.deepEqual([wrong.status, wrong.json], [403, { detail: 'CSRF Failed: CSRF token from the \'X-Csrftoken\' HTTP header incorrect.' }]);

    const crossSite = await fromCookie('/api/token/refresh/', refresh, csrf, { origin: 'https://evil.example' });
    assert.deepEqual(crossSite.json, { detail: 'CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins.' });
  });

  test('a refresh from the cookie with the CSRF token rotates the token into a new cookie', async () => {
    const { refresh, csrf } = await login(server, 'alice');
    server.clock.advance(60);
    const answer = await fromCookie('/api/token/refresh/', refresh, csrf, { origin: server.url });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(Object.keys(answer.json), ['access']);
    const next = valueOf(setCookies(answer).get(REFRESH));
    assert.notEqual(next, refresh);
    assert.equal(
      setCookies(answer).get(REFRESH),
      `${REFRESH}=${next}; expires=${expiresIn(server, 86400)}; HttpOnly; Max-Age=86400; Path=/; SameSite=Strict; Secure`,
    );
    // Rotation blacklisted the old one; the new one works.
    const old = await server.post('/api/token/refresh/', { refresh });
    assert.deepEqual([old.status, old.json], [401, { detail: 'Token is blacklisted', code: 'token_not_valid' }]);
    // The old cookie, sent by a tab whose request crossed the rotation: refused, and the cookie is
    // left alone, since the browser's jar may already hold the successor.
    const crossed = await fromCookie('/api/token/refresh/', refresh, csrf);
    assert.deepEqual([crossed.status, crossed.json], [401, { detail: 'Token is blacklisted', code: 'token_not_valid' }]);
    assert.equal(setCookies(crossed).has(REFRESH), false);
    const again = await fromCookie('/api/token/refresh/', next, csrf);
    assert.equal(again.status, 200, again.text);
  });

  test('a refresh token in the body still works, needs no CSRF token, and is answered in the body', async () => {
    const { refresh } = await login(server, 'alice');
    const answer = await server.post('/api/token/refresh/', { refresh });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(Object.keys(answer.json).sort(), ['access', 'refresh']);
    assert.equal(answer.headers.getSetCookie().length, 0);
  });

  test('the body\'s token wins over the cookie\'s', async () => {
    const { refresh } = await login(server, 'alice');
    const answer = await server.post('/api/token/refresh/', { refresh: 'not-a-token' }, cookieHeader({ [REFRESH]: refresh }));
    assert.deepEqual([answer.status, answer.json], [401, { detail: 'Token is invalid or expired', code: 'token_not_valid' }]);
    assert.equal(answer.headers.getSetCookie().length, 0, 'a refused body token leaves the cookie alone');
  });

  test('a tampered cookie is a 401 token answer and the cookie is deleted', async () => {
    const { refresh, csrf } = await login(server, 'alice');
    const tampered = `${refresh.slice(0, -4)}AAAA`;
    const answer = await fromCookie('/api/token/refresh/', tampered, csrf);
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.equal(
      setCookies(answer).get(REFRESH),
      `${REFRESH}=""; expires=${DELETED_EXPIRES}; HttpOnly; Max-Age=0; Path=/; SameSite=Strict; Secure`,
    );
  });

  test('no token in the body and no cookie is dj-rest-auth\'s 401; a blank body token is a field error', async () => {
    const none = await server.request('POST', '/api/token/refresh/');
    assert.deepEqual([none.status, none.json], [401, { detail: 'No valid refresh token found.', code: 'token_not_valid' }]);
    const blank = await server.post('/api/token/refresh/', { refresh: '' });
    assert.deepEqual([blank.status, blank.json], [400, { refresh: ['This field may not be blank.'] }]);
  });

  test('logout with no body blacklists the cookie\'s token and deletes the cookie', async () => {
    const { refresh, csrf } = await login(server, 'alice');
    const refused = await fromCookie('/api/token/blacklist/', refresh, null);
    assert.deepEqual([refused.status, refused.json], [403, { detail: 'CSRF Failed: CSRF cookie not set.' }]);

    const answer = await fromCookie('/api/token/blacklist/', refresh, csrf);
    assert.deepEqual([answer.status, answer.json], [200, {}]);
    assert.equal(
      setCookies(answer).get(REFRESH),
      `${REFRESH}=""; expires=${DELETED_EXPIRES}; HttpOnly; Max-Age=0; Path=/; SameSite=Strict; Secure`,
    );
    const after = await server.post('/api/token/refresh/', { refresh });
    assert.deepEqual([after.status, after.json], [401, { detail: 'Token is blacklisted', code: 'token_not_valid' }]);
    // A second logout with the stale cookie is refused, and deletes it again.
    const twice = await fromCookie('/api/token/blacklist/', refresh, csrf);
    assert.deepEqual([twice.status, twice.json], [401, { detail: 'Token is blacklisted', code: 'token_not_valid' }]);
    assert.equal(valueOf(setCookies(twice).get(REFRESH)), '""');
  });

  test('refresh and logout are recorded in the audit log under the cookie\'s user', async () => {
    const { refresh, csrf } = await login(server, 'alice');
    const refreshed = await fromCookie('/api/token/refresh/', refresh, csrf);
    assert.equal(refreshed.status, 200);
    await server.tessera.audit.flush();
    const [latest] = await server.tessera.audit.list({ type: 'token_refreshed', limit: 1 });
    assert.equal(latest?.username, 'alice');
  });
});

describe('cookie mode "both"', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authCookies: 'both', authCookieSameSite: 'Lax' });
    await server.createUser('bob', PASSWORD);
  });
  after(() => server.close());

  const session = async () => {
    const { answer, cookies, refresh, csrf } = await login(server, 'bob');
    return { answer, cookies, refresh, csrf, access: valueOf(cookies.get(ACCESS)) };
  };

  test('login sets the access cookie too, with the access lifetime and the configured SameSite', async () => {
    const { answer, cookies, access } = await session();
    assert.equal(access, answer.json.access);
    assert.equal(
      cookies.get(ACCESS),
      `${ACCESS}=${access}; expires=${expiresIn(server, 300)}; HttpOnly; Max-Age=300; Path=/; SameSite=Lax; Secure`,
    );
    assert.match(cookies.get(REFRESH)!, /; SameSite=Lax; Secure$/);
  });

  test('the access cookie authenticates a safe request with no Authorization header', async () => {
    const { access } = await session();
    const answer = await server.get('/api/user/', cookieHeader({ [ACCESS]: access }));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.username, 'bob');
  });

  test('an unsafe request authenticated by the cookie needs the CSRF token', async () => {
    const { access, csrf } = await session();
    const refused = await server.post('/api/sessions/logout-all/', { keep_current: true }, cookieHeader({ [ACCESS]: access }));
    assert.deepEqual([refused.status, refused.json], [403, { detail: 'CSRF Failed: CSRF cookie not set.' }]);
    const allowed = await server.post(
      '/api/sessions/logout-all/', { keep_current: true }, { ...cookieHeader({ [ACCESS]: access, csrftoken: csrf }), 'x-csrftoken': csrf },
    );
    assert.equal(allowed.status, 200, allowed.text);
    // The same request with the token in the header is not subject to CSRF.
    const bearer = await server.post('/api/sessions/logout-all/', { keep_current: true }, { authorization: `Bearer ${access}` });
    assert.equal(bearer.status, 200, bearer.text);
  });

  test('an Authorization header decides over the cookie', async () => {
    const { access } = await session();
    const answer = await server.get('/api/user/', { ...cookieHeader({ [ACCESS]: access }), authorization: 'Bearer not-a-token' });
    assert.equal(answer.status, 401);
    assert.equal(answer.json.detail, 'Given token not valid for any token type');
  });

  test('a tampered access cookie is Simple JWT\'s 401', async () => {
    const { access } = await session();
    const answer = await server.get('/api/user/', cookieHeader({ [ACCESS]: `${access.slice(0, -4)}AAAA` }));
    assert.equal(answer.status, 401);
    assert.equal(answer.json.detail, 'Given token not valid for any token type');
    assert.equal(answer.json.code, 'token_not_valid');
    assert.deepEqual(answer.json.messages, [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }]);
  });

  test('a refresh from the cookie sets a new access cookie; logout deletes both', async () => {
    const { refresh, csrf, access } = await session();
    server.clock.advance(1);
    const csrfHeaders = { ...cookieHeader({ [REFRESH]: refresh, csrftoken: csrf }), 'x-csrftoken': csrf };
    const refreshed = await server.request('POST', '/api/token/refresh/', { headers: csrfHeaders });
    assert.equal(refreshed.status, 200, refreshed.text);
    const fresh = valueOf(setCookies(refreshed).get(ACCESS));
    assert.equal(fresh, refreshed.json.access);
    assert.notEqual(fresh, access);
    assert.equal(setCookies(refreshed).has(REFRESH), false, 'no rotation, no new refresh cookie');

    const out = await server.request('POST', '/api/token/blacklist/', { headers: csrfHeaders });
    assert.equal(out.status, 200, out.text);
    assert.equal(valueOf(setCookies(out).get(REFRESH)), '""');
    assert.equal(setCookies(out).get(ACCESS), `${ACCESS}=""; expires=${DELETED_EXPIRES}; HttpOnly; Max-Age=0; Path=/; SameSite=Lax; Secure`);
  });
});

describe('cookie mode "both" with the jwt and drf-jwt classes together', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authCookies: 'both', authenticationClasses: ['jwt', 'drf-jwt'] });
    await server.createUser('dave', PASSWORD);
  });
  after(() => server.close());

  test('the access cookie still authenticates', async () => {
    const { cookies } = await login(server, 'dave');
    const answer = await server.get('/api/user/', cookieHeader({ [ACCESS]: valueOf(cookies.get(ACCESS)) }));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.username, 'dave');
  });
});

describe('cookie mode "off" (the default)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    await server.createUser('carol', PASSWORD);
  });
  after(() => server.close());

  test('login sets no cookie and answers both tokens', async () => {
    const answer = await server.post('/api/token/', { username: 'carol', password: PASSWORD });
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.json).sort(), ['access', 'refresh']);
    assert.equal(answer.headers.getSetCookie().length, 0);
  });

  test('cookies are not read: refresh needs the body and the access cookie authenticates no one', async () => {
    const pair = await server.login('carol', PASSWORD);
    const refresh = await server.request('POST', '/api/token/refresh/', { headers: cookieHeader({ [REFRESH]: pair.refresh }) });
    assert.deepEqual([refresh.status, refresh.json], [400, { refresh: ['This field is required.'] }]);
    const user = await server.get('/api/user/', cookieHeader({ [ACCESS]: pair.access }));
    assert.deepEqual([user.status, user.json], [401, { detail: 'Authentication credentials were not provided.' }]);
  });
});

describe('cookie mode settings', () => {
  const load = (overrides: Record<string, unknown>, env: Record<string, string> = {}): Settings =>
    loadSettings({ cwd: '/nonexistent', env, overrides: overrides as Partial<Settings> });

  test('default off and Strict; read from the environment; a bad value is a one-line error', () => {
    const defaults = load({});
    assert.deepEqual([defaults.authCookies, defaults.authCookieSameSite], ['off', 'Strict']);
    const fromEnv = load({}, { TESSERA_AUTH_COOKIES: 'both', TESSERA_AUTH_COOKIE_SAME_SITE: 'Lax' });
    assert.deepEqual([fromEnv.authCookies, fromEnv.authCookieSameSite], ['both', 'Lax']);
    assert.throws(() => load({}, { TESSERA_AUTH_COOKIES: 'access' }), {
      message: 'TESSERA_AUTH_COOKIES: "access" is not one of off, refresh, both',
    });
    assert.throws(() => load({ authCookieSameSite: 'None' }), { message: 'authCookieSameSite: "None" is not one of Strict, Lax' });
  });
});
