import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JwtCodec, type Claims } from '../../src/crypto/index.js';
import { decodeJwt, startServer, TEST_SIGNING_KEY, type TestServer } from '../support/server.js';

const nonField = (message: string) => ({ non_field_errors: [message] });
const OBTAIN_URLS = ['/api-auth/', '/api-token-auth/', '/auth-jwt/', '/jwt-auth/'];
/** Seed 003's first project sets JWT_ALLOW_REFRESH, so its obtain view adds `orig_iat` whatever the setting. */
const REFRESHABLE_OBTAIN_URL = '/auth/obtain_token/';

function mint(server: TestServer, claims: Claims, audience: string | null = server.settings.audience): string {
  return new JwtCodec({ algorithm: 'HS256', signingKey: TEST_SIGNING_KEY, audience, issuer: null, leeway: 0, clock: server.clock.read }).encode(claims);
}

describe('djangorestframework-jwt views (JWT_ALLOW_REFRESH off, the default)', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startServer();
    await server.createUser('admin', 'admin');
    await server.createUser('sleeper', 'sleeper', { isActive: false });
    token = (await server.post('/api-auth/', { username: 'admin', password: 'admin' })).json.token;
  });
  after(() => server.close());

  test('every obtain spelling answers {"token"} with drf-jwt\'s payload', async () => {
    const now = Math.floor(server.clock.now / 1000);
    for (const url of OBTAIN_URLS) {
      const answer = await server.post(url, { username: 'admin', password: 'admin' });
      assert.equal(answer.status, 200, url);
      assert.deepEqual(Object.keys(answer.json), ['token'], url);
      const { header, claims } = decodeJwt(answer.json.token);
      assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
      assert.deepEqual(claims, { user_id: 1, username: 'admin', exp: now + 300, email: 'admin@example.com' }, url);
    }
    const refreshable = decodeJwt((await server.post(REFRESHABLE_OBTAIN_URL, { username: 'admin', password: 'admin' })).json.token).claims;
    assert.deepEqual(refreshable, { user_id: 1, username: 'admin', exp: now + 300, email: 'admin@example.com', orig_iat: now });
  });

  test('form bodies work too (httpie -f)', async () => {
    const answer = await server.request('POST', '/api-auth/', { body: new URLSearchParams({ username: 'admin', password: 'admin' }) });
    assert.equal(answer.status, 200);
    assert.equal(typeof answer.json.token, 'string');
  });

  test('wrong password, unknown user and inactive user: Unable to log in', async () => {
    for (const body of [{ username: 'admin', password: 'nope' }, { username: 'ghost', password: 'admin' }, { username: 'sleeper', password: 'sleeper' }]) {
      const answer = await server.post('/api-auth/', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.deepEqual(answer.json, nonField('Unable to log in with provided credentials.'));
    }
  });

  test('missing and blank fields are field errors', async () => {
    const missing = await server.post('/auth-jwt/', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.json, { username: ['This field is required.'], password: ['This field is required.'] });
    const blank = await server.post('/auth-jwt/', { username: '', password: 'x' });
    assert.deepEqual(blank.json, { username: ['This field may not be blank.'] });
  });

  test('verify answers the same token while it is valid', async () => {
    for (const url of ['/api-token-verify/', '/auth-jwt-verify/']) {
      const answer = await server.post(url, { token });
      assert.equal(answer.status, 200, url);
      assert.deepEqual(answer.json, { token });
    }
  });

  test('verify: garbage, another key, Simple JWT tokens, missing user', async () => {
    const cases: [string, string][] = [
      ['abc', 'Error decoding signature.'],
      [`${token.slice(0, -4)}AAAA`, 'Error decoding signature.'],
      [(await server.login('admin', 'admin')).access, 'Invalid payload.'],
      [mint(server, { user_id: 99, username: 'ghost', exp: Math.floor(server.clock.now / 1000) + 60 }), "User doesn't exist."],
      [mint(server, { user_id: 2, username: 'sleeper', exp: Math.floor(server.clock.now / 1000) + 60 }), 'User account is disabled.'],
    ];
    for (const [presented, message] of cases) {
      const answer = await server.post('/api-token-verify/', { token: presented });
      assert.equal(answer.status, 400, message);
      assert.deepEqual(answer.json, nonField(message));
    }
    const missing = await server.post('/api-token-verify/', {});
    assert.deepEqual(missing.json, { token: ['This field is required.'] });
  });

  test('refresh without orig_iat (refresh off): orig_iat field is required.', async () => {
    for (const url of ['/api-token-refresh/', '/auth-jwt-refresh/', '/auth/refresh_token/']) {
      const answer = await server.post(url, { token });
      assert.equal(answer.status, 400, url);
      assert.deepEqual(answer.json, nonField('orig_iat field is required.'));
    }
  });

  test('an expired token: Signature has expired.', async () => {
    const fresh = (await server.post('/api-auth/', { username: 'admin', password: 'admin' })).json.token;
    server.clock.advance(300);
    try {
      const answer = await server.post('/api-token-verify/', { token: fresh });
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.json, nonField('Signature has expired.'));
    } finally {
      server.clock.advance(-300);
    }
  });
});

describe('djangorestframework-jwt refresh (JWT_ALLOW_REFRESH on)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ jwtAllowRefresh: true, jwtExpirationDelta: 3600, jwtRefreshExpirationDelta: 7200 });
    await server.createUser('admin', 'admin');
  });
  after(() => server.close());

  test('tokens carry orig_iat; a refresh keeps it and moves exp', async () => {
    const issuedAt = Math.floor(server.clock.now / 1000);
    const first = (await server.post('/auth/obtain_token/', { username: 'admin', password: 'admin' })).json.token;
    assert.equal(decodeJwt(first).claims.orig_iat, issuedAt);
    server.clock.advance(3000);
    const answer = await server.post('/auth/refresh_token/', { token: first });
    assert.equal(answer.status, 200);
    const claims = decodeJwt(answer.json.token).claims;
    assert.equal(claims.orig_iat, issuedAt);
    assert.equal(claims.exp, issuedAt + 3000 + 3600);

    // Refreshing again past orig_iat + 7200 is refused even though the token itself is valid.
    server.clock.advance(3000);
    const second = (await server.post('/auth/refresh_token/', { token: answer.json.token })).json.token;
    server.clock.advance(1300);
    const late = await server.post('/auth/refresh_token/', { token: second });
    assert.equal(late.status, 400);
    assert.deepEqual(late.json, nonField('Refresh has expired.'));
  });
});

describe('the drf-jwt authentication class (DEFAULT_AUTHENTICATION_CLASSES = JSONWebTokenAuthentication)', () => {
  let server: TestServer;
  let token: string;
  const expect401 = async (headers: Record<string, string>, detail: string) => {
    const answer = await server.get('/api/user/', headers);
    assert.equal(answer.status, 401, `${JSON.stringify(headers).slice(0, 60)} -> ${answer.text}`);
    assert.deepEqual(answer.json, { detail });
    assert.equal(answer.headers.get('www-authenticate'), 'JWT realm="api"');
  };
  before(async () => {
    server = await startServer({ authenticationClasses: ['drf-jwt'], audience: 'api' });
    await server.createUser('admin', 'admin');
    await server.createUser('sleeper', 'sleeper', { isActive: false });
    token = (await server.post('/jwt-auth/', { username: 'admin', password: 'admin' })).json.token;
  });
  after(() => server.close());

  test('JWT <token> authenticates, the prefix in any case', async () => {
    for (const scheme of ['JWT', 'jwt', 'Jwt']) {
      const answer = await server.get('/api/user/', { authorization: `${scheme} ${token}` });
      assert.equal(answer.status, 200, scheme);
      assert.deepEqual(answer.json, { id: 1, username: 'admin' });
    }
  });

  test('no header or another scheme: credentials not provided, JWT challenge', async () => {
    await expect401({}, 'Authentication credentials were not provided.');
    await expect401({ authorization: `Bearer ${token}` }, 'Authentication credentials were not provided.');
  });

  test('drf-jwt\'s header messages', async () => {
    await expect401({ authorization: 'JWT' }, 'Invalid Authorization header. No credentials provided.');
    await expect401({ authorization: `JWT ${token} more` }, 'Invalid Authorization header. Credentials string should not contain spaces.');
  });

  test('drf-jwt\'s token messages', async () => {
    const now = Math.floor(server.clock.now / 1000);
    await expect401({ authorization: 'JWT abc' }, 'Error decoding signature.');
    await expect401({ authorization: `JWT ${mint(server, { user_id: 1, username: 'admin', exp: now })}` }, 'Signature has expired.');
    await expect401({ authorization: `JWT ${mint(server, { user_id: 1, exp: now + 60 })}` }, 'Invalid payload.');
    await expect401({ authorization: `JWT ${mint(server, { username: 'ghost', exp: now + 60 })}` }, 'Invalid signature.');
    await expect401({ authorization: `JWT ${mint(server, { username: 'sleeper', exp: now + 60 })}` }, 'User account is disabled.');
    // Another audience is PyJWT's InvalidAudienceError: DRF's bare AuthenticationFailed.
    await expect401({ authorization: `JWT ${mint(server, { username: 'admin', exp: now + 60 }, 'other')}` }, 'Incorrect authentication credentials.');
    // A Simple JWT access token is not a drf-jwt login.
    const { access } = await server.login('admin', 'admin');
    await expect401({ authorization: `JWT ${access}` }, 'Invalid payload.');
  });
});

describe('jwtAuthHeaderPrefix: Bearer (seed 001\'s JWT_AUTH_HEADER_PREFIX)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['drf-jwt'], jwtAuthHeaderPrefix: 'Bearer' });
    await server.createUser('admin', 'admin');
  });
  after(() => server.close());

  test('Bearer works, JWT is another scheme, the challenge is Bearer', async () => {
    const { token } = (await server.post('/auth/obtain_token/', { username: 'admin', password: 'admin' })).json;
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${token}` })).status, 200);
    const other = await server.get('/api/user/', { authorization: `JWT ${token}` });
    assert.equal(other.status, 401);
    assert.deepEqual(other.json, { detail: 'Authentication credentials were not provided.' });
    assert.equal(other.headers.get('www-authenticate'), 'Bearer realm="api"');
  });
});

describe('/api-token-auth/ with the token class on', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authenticationClasses: ['jwt', 'token'] });
    await server.createUser('admin', 'admin');
  });
  after(() => server.close());

  test('DRF\'s obtain_auth_token answers there, not drf-jwt', async () => {
    const answer = await server.post('/api-token-auth/', { username: 'admin', password: 'admin' });
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.json), ['token']);
    assert.match(answer.json.token, /^[0-9a-f]{40}$/);
    // drf-jwt's other spellings are still there.
    assert.equal(decodeJwt((await server.post('/api-auth/', { username: 'admin', password: 'admin' })).json.token).claims.username, 'admin');
  });
});
