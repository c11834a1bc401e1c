import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type Answer, type TestServer } from '../support/server.js';

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const STUDENT = { name: 'Ann', roll: 1, city: 'Dhaka' };

function basic(userpass: string): string {
  return `Basic ${Buffer.from(userpass).toString('base64')}`;
}

/** The name=value of each Set-Cookie, and the raw lines. */
function setCookies(answer: Answer): { values: Map<string, string>; lines: string[] } {
  const lines = answer.headers.getSetCookie();
  const values = new Map<string, string>();
  for (const line of lines) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    values.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return { values, lines };
}

/** A client that keeps cookies, as a browser (or curl -b/-c) does. */
class Browser {
  readonly jar = new Map<string, string>();
  constructor(private readonly server: TestServer) {}

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, init: { json?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(this.jar.size ? { cookie: this.cookieHeader() } : {}), ...init.headers };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const answer = await this.server.request(method, path, { headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
    for (const [name, value] of setCookies(answer).values) {
      if (value === '""' || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return answer;
  }

  /** The masked token for X-CSRFToken, from GET /api-auth/csrf/. */
  async csrfToken(): Promise<string> {
    const answer = await this.request('GET', '/api-auth/csrf/');
    assert.equal(answer.status, 200);
    return answer.json.csrfToken;
  }

  async login(username: string, password: string): Promise<Answer> {
    const token = await this.csrfToken();
    return this.request('POST', '/api-auth/login/', { json: { username, password }, headers: { 'x-csrftoken': token } });
  }
}

describe('BasicAuthentication alone', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['basic'] });
    await server.createUser('ann', 'ann-password-1');
    await server.createUser('sleeper', 'sleeper-password-1', { isActive: false });
  });
  after(() => server.close());

  test('the seeds\' /api/user/ and /studentapi/ with Basic credentials', async () => {
    const me = await server.get('/api/user/', { authorization: basic('ann:ann-password-1') });
    assert.equal(me.status, 200);
    assert.deepEqual(me.json, { id: 1, username: 'ann' });
    const created = await server.post('/studentapi/', STUDENT, { authorization: basic('ann:ann-password-1') });
    assert.equal(created.status, 201, 'no CSRF for Basic');
    const list = await server.get('/studentapi/', { authorization: basic('ann:ann-password-1') });
    assert.deepEqual(list.json, [{ id: 1, ...STUDENT }]);
  });

  test('401 with the Basic challenge, and DRF\'s messages', async () => {
    const anonymous = await server.get('/api/user/');
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, NOT_PROVIDED);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Basic realm="api"');

    const wrong = await server.get('/api/user/', { authorization: basic('ann:nope') });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json, { detail: 'Invalid username/password.' });
    assert.equal(wrong.headers.get('www-authenticate'), 'Basic realm="api"');

    const malformed = await server.get('/api/user/', { authorization: 'Basic !!!' });
    assert.deepEqual(malformed.json, { detail: 'Invalid basic header. Credentials not correctly base64 encoded.' });
    const empty = await server.get('/api/user/', { authorization: 'Basic' });
    assert.deepEqual(empty.json, { detail: 'Invalid basic header. No credentials provided.' });
  });

  test('an inactive user is refused', async () => {
    const answer = await server.get('/api/user/', { authorization: basic('sleeper:sleeper-password-1') });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Invalid username/password.' });
  });

  test('a Bearer header is not this server\'s scheme: not provided', async () => {
    const answer = await server.get('/api/user/', { authorization: 'Bearer abc.def.ghi' });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, NOT_PROVIDED);
  });
});

describe('TokenAuthentication alone, with obtain_auth_token', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['token'] });
    await server.createUser('ann', 'ann-password-1');
    await server.createUser('sleeper', 'sleeper-password-1', { isActive: false });
  });
  after(() => server.close());

  test('POST /api-token-auth/ answers the user\'s one token, JSON or form', async () => {
    const first = await server.post('/api-token-auth/', { username: 'ann', password: 'ann-password-1' });
    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(first.json), ['token']);
    assert.match(first.json.token, /^[0-9a-f]{40}$/);
    const form = await server.request('POST', '/api-token-auth/', { body: new URLSearchParams({ username: 'ann', password: 'ann-password-1' }) });
    assert.equal(form.status, 200);
    assert.equal(form.json.token, first.json.token);
  });

  test('the serializer\'s errors', async () => {
    const missing = await server.post('/api-token-auth/', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { username: ['This field is required.'], password: ['This field is required.'] });
    const wrong = await server.post('/api-token-auth/', { username: 'ann', password: 'nope' });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json, { non_field_errors: ['Unable to log in with provided credentials.'] });
    const inactive = await server.post('/api-token-auth/', { username: 'sleeper', password: 'sleeper-password-1' });
    assert.deepEqual(inactive.json, { non_field_errors: ['Unable to log in with provided credentials.'] });
  });

  test('the seeds\' /api/user/ and /studentapi/ with the token; 401 with the Token challenge', async () => {
    const { json } = await server.post('/api-token-auth/', { username: 'ann', password: 'ann-password-1' });
    const auth = { authorization: `Token ${json.token}` };
    assert.deepEqual((await server.get('/api/user/', auth)).json, { id: 1, username: 'ann' });
    assert.equal((await server.post('/studentapi/', STUDENT, auth)).status, 201);
    assert.equal((await server.get('/studentapi/', auth)).json.length, 1);

    const anonymous = await server.get('/api/user/');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Token');
    const unknown = await server.get('/api/user/', { authorization: `Token ${'a'.repeat(40)}` });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.json, { detail: 'Invalid token.' });
    const spaced = await server.get('/api/user/', { authorization: `Token ${json.token} extra` });
    assert.deepEqual(spaced.json, { detail: 'Invalid token header. Token string should not contain spaces.' });
  });

  test('regenerating the token invalidates the old key', async () => {
    const { json } = await server.post('/api-token-auth/', { username: 'ann', password: 'ann-password-1' });
    const user = await server.store.users.findByUsername('ann');
    const renewed = await server.store.authTokens.regenerate(user!.id, new Date());
    const old = await server.get('/api/user/', { authorization: `Token ${json.token}` });
    assert.equal(old.status, 401);
    assert.deepEqual(old.json, { detail: 'Invalid token.' });
    assert.equal((await server.get('/api/user/', { authorization: `Token ${renewed.key}` })).status, 200);
    const again = await server.post('/api-token-auth/', { username: 'ann', password: 'ann-password-1' });
    assert.equal(again.json.token, renewed.key);
  });

  test('a token whose user was made inactive is refused', async () => {
    const bob = await server.createUser('bob', 'bob-password-1');
    const { json } = await server.post('/api-token-auth/', { username: 'bob', password: 'bob-password-1' });
    await server.store.database.db.updateTable('auth_user').set({ is_active: 0 }).where('id', '=', bob.id).execute();
    const answer = await server.get('/api/user/', { authorization: `Token ${json.token}` });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'User inactive or deleted.' });
  });
});

describe('SessionAuthentication alone, with login, logout and CSRF', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['session'] });
    await server.createUser('ann', 'ann-password-1');
    await server.createUser('sleeper', 'sleeper-password-1', { isActive: false });
  });
  after(() => server.close());

  test('no session is 403, without a challenge', async () => {
    const answer = await server.get('/api/user/');
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.json, NOT_PROVIDED);
    assert.equal(answer.headers.get('www-authenticate'), null);
  });

  test('GET /api-auth/csrf/ sets a readable csrftoken cookie', async () => {
    const answer = await server.get('/api-auth/csrf/');
    const { values, lines } = setCookies(answer);
    assert.match(values.get('csrftoken')!, /^[a-zA-Z0-9]{64}$/);
    assert.match(answer.json.csrfToken, /^[a-zA-Z0-9]{64}$/);
    const line = lines.find((l) => l.startsWith('csrftoken='))!;
    assert.ok(!/HttpOnly/i.test(line));
    assert.match(line, /SameSite=Lax/);
    assert.match(line, /Path=\//);
  });

  test('login is CSRF-protected, as Django\'s view', async () => {
    const answer = await server.post('/api-auth/login/', { username: 'ann', password: 'ann-password-1' });
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.json, { detail: 'CSRF Failed: CSRF cookie not set.' });
    assert.equal(setCookies(answer).values.has('sessionid'), false);
  });

  test('wrong credentials and inactive users do not log in', async () => {
    const browser = new Browser(server);
    const wrong = await browser.login('ann', 'nope');
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.json, { non_field_errors: ['Unable to log in with provided credentials.'] });
    const inactive = await browser.login('sleeper', 'sleeper-password-1');
    assert.equal(inactive.status, 400);
    assert.equal(browser.jar.has('sessionid'), false);
  });

  test('login sets the session cookie; the seeds\' views work; unsafe methods need the CSRF header', async () => {
    const browser = new Browser(server);
    const oldCsrf = await browser.csrfToken();
    const login = await browser.request('POST', '/api-auth/login/', {
      json: { username: 'ann', password: 'ann-password-1' }, headers: { 'x-csrftoken': oldCsrf },
    });
    assert.equal(login.status, 200);
    assert.deepEqual(login.json, { detail: 'Logged in.' });
    const line = setCookies(login).lines.find((l) => l.startsWith('sessionid='))!;
    assert.match(line, /HttpOnly/);
    assert.match(line, /SameSite=Lax/);
    assert.match(line, /Path=\//);
    assert.match(line, /Max-Age=1209600/);
    assert.ok(!/Secure/.test(line), 'not Secure over http');

    assert.deepEqual((await browser.request('GET', '/api/user/')).json, { id: 1, username: 'ann' });
    assert.equal((await browser.request('GET', '/studentapi/')).status, 200, 'safe methods need no CSRF token');

    const missing = await browser.request('POST', '/studentapi/', { json: STUDENT });
    assert.equal(missing.status, 403);
    assert.deepEqual(missing.json, { detail: 'CSRF Failed: CSRF token missing.' });

    // Login rotated the CSRF secret: the token from before it no longer matches.
    const stale = await browser.request('POST', '/studentapi/', { json: STUDENT, headers: { 'x-csrftoken': oldCsrf } });
    assert.equal(stale.status, 403);
    assert.deepEqual(stale.json, { detail: "CSRF Failed: CSRF token from the 'X-Csrftoken' HTTP header incorrect." });

    const foreign = await browser.request('POST', '/studentapi/', {
      json: STUDENT, headers: { 'x-csrftoken': browser.jar.get('csrftoken')!, origin: 'http://evil.example' },
    });
    assert.equal(foreign.status, 403);
    assert.deepEqual(foreign.json, { detail: 'CSRF Failed: Origin checking failed - http://evil.example does not match any trusted origins.' });

    const created = await browser.request('POST', '/studentapi/', { json: STUDENT, headers: { 'x-csrftoken': browser.jar.get('csrftoken')! } });
    assert.equal(created.status, 201);
  });

  test('changing the password ends the session', async () => {
    const bob = await server.createUser('bob', 'bob-password-1');
    const browser = new Browser(server);
    assert.equal((await browser.login('bob', 'bob-password-1')).status, 200);
    assert.equal((await browser.request('GET', '/api/user/')).status, 200);
    await server.store.users.setPassword(bob.id, 'pbkdf2_sha256$1$salt$changed');
    const after = await browser.request('GET', '/api/user/');
    assert.equal(after.status, 403);
    assert.deepEqual(after.json, NOT_PROVIDED);
  });

  test('a user made inactive loses the session', async () => {
    const carl = await server.createUser('carl', 'carl-password-1');
    const browser = new Browser(server);
    await browser.login('carl', 'carl-password-1');
    await server.store.database.db.updateTable('auth_user').set({ is_active: 0 }).where('id', '=', carl.id).execute();
    assert.equal((await browser.request('GET', '/api/user/')).status, 403);
  });

  test('logout ends the session and clears the cookie', async () => {
    const browser = new Browser(server);
    await browser.login('ann', 'ann-password-1');
    const sessionid = browser.jar.get('sessionid')!;
    const logout = await browser.request('POST', '/api-auth/logout/', { headers: { 'x-csrftoken': browser.jar.get('csrftoken')! } });
    assert.equal(logout.status, 200);
    assert.deepEqual(logout.json, { detail: 'Logged out.' });
    assert.match(setCookies(logout).lines.find((l) => l.startsWith('sessionid='))!, /Max-Age=0/);
    const replay = await server.get('/api/user/', { cookie: `sessionid=${sessionid}` });
    assert.equal(replay.status, 403);
  });
});

describe('session cookies behind https', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['session'], publicUrl: 'https://api.example.com' });
    await server.createUser('ann', 'ann-password-1');
  });
  after(() => server.close());

  test('cookies are Secure, and an unsafe request needs a trusted Origin or an https Referer', async () => {
    const browser = new Browser(server);
    const token = await browser.csrfToken();
    const noReferer = await browser.request('POST', '/api-auth/login/', { json: { username: 'ann', password: 'ann-password-1' }, headers: { 'x-csrftoken': token } });
    assert.equal(noReferer.status, 403);
    assert.deepEqual(noReferer.json, { detail: 'CSRF Failed: Referer checking failed - no Referer.' });
    const login = await browser.request('POST', '/api-auth/login/', {
      json: { username: 'ann', password: 'ann-password-1' }, headers: { 'x-csrftoken': token, origin: 'https://api.example.com' },
    });
    assert.equal(login.status, 200);
    for (const line of setCookies(login).lines) assert.match(line, /; Secure/);
    const created = await browser.request('POST', '/studentapi/', {
      json: STUDENT, headers: { 'x-csrftoken': browser.jar.get('csrftoken')!, referer: 'https://api.example.com/app/' },
    });
    assert.equal(created.status, 201);
  });
});
