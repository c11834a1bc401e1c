import assert from 'node:assert/strict';
import { createSigner } from 'fast-jwt';
import { after, before, describe, test } from 'node:test';
import { JwtCodec, type Claims } from '../../src/crypto/index.js';
import type { Settings } from '../../src/settings/index.js';
import { startServer, startSignedIn, TEST_SIGNING_KEY, type TestServer } from '../support/server.js';

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const BAD_HEADER = { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' };

/** Simple JWT's answer when the header token fails as an AccessToken with `message`. */
function notValid(message: string) {
  return {
    detail: 'Given token not valid for any token type',
    code: 'token_not_valid',
    messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
  };
}

/** Signs `claims` as the server would (same key, algorithm, audience and issuer unless told otherwise). */
function mint(server: TestServer, claims: Claims, options: Partial<{ signingKey: string; audience: string | null; issuer: string | null; algorithm: Settings['algorithm'] }> = {}): string {
  const codec = new JwtCodec({
    algorithm: options.algorithm ?? server.settings.algorithm,
    signingKey: options.signingKey ?? TEST_SIGNING_KEY,
    audience: options.audience === undefined ? server.settings.audience : options.audience,
    issuer: options.issuer === undefined ? server.settings.issuer : options.issuer,
    leeway: 0,
    clock: server.clock.read,
  });
  return codec.encode(claims);
}

function accessClaims(server: TestServer, extra: Claims = {}): Claims {
  const now = Math.floor(server.clock.now / 1000);
  return { token_type: 'access', exp: now + 300, iat: now, jti: 'a'.repeat(32), user_id: 1, ...extra };
}

function without(claims: Claims, ...names: string[]): Claims {
  return Object.fromEntries(Object.entries(claims).filter(([k]) => !names.includes(k)));
}

async function expect401(server: TestServer, headers: Record<string, string>, body: unknown, path = '/api/user/'): Promise<void> {
  const answer = await server.get(path, headers);
  assert.equal(answer.status, 401, `${JSON.stringify(headers).slice(0, 80)} -> ${answer.text}`);
  assert.deepEqual(answer.json, body);
  assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
  assert.equal(answer.headers.get('allow'), 'GET, HEAD, OPTIONS');
}

describe('JWTAuthentication with default settings', () => {
  let server: TestServer;
  let access: string;
  let refresh: string;
  before(async () => {
    ({ server, access, refresh } = await startSignedIn());
    await server.createUser('sleeper', 'Ab12345678', { isActive: false });
  });
  after(() => server.close());

  test('a good Bearer token authenticates', async () => {
    const answer = await server.get('/api/user/', { authorization: `Bearer ${access}` });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { id: 1, username: 'shoumitro' });
  });

  test('extra whitespace between scheme and token is fine (Python split())', async () => {
    const answer = await server.get('/api/user/', { authorization: `Bearer   ${access}` });
    assert.equal(answer.status, 200);
  });

  test('no header, an empty header, another scheme or lower-case bearer: credentials not provided', async () => {
    await expect401(server, {}, NOT_PROVIDED);
    await expect401(server, { authorization: '' }, NOT_PROVIDED);
    await expect401(server, { authorization: `Token ${access}` }, NOT_PROVIDED);
    await expect401(server, { authorization: `Basic ${Buffer.from('shoumitro:Ab12345678').toString('base64')}` }, NOT_PROVIDED);
    await expect401(server, { authorization: `bearer ${access}` }, NOT_PROVIDED);
    await expect401(server, { authorization: `JWT ${access}` }, NOT_PROVIDED);
    await expect401(server, { authorization: access }, NOT_PROVIDED);
  });

  test('"Bearer" alone or with three parts: bad_authorization_header', async () => {
    await expect401(server, { authorization: 'Bearer' }, BAD_HEADER);
    await expect401(server, { authorization: 'Bearer   ' }, BAD_HEADER);
    await expect401(server, { authorization: `Bearer ${access} extra` }, BAD_HEADER);
    await expect401(server, { authorization: `Bearer a b c` }, BAD_HEADER);
  });

  test('a no-break space (byte 0xA0) is no separator: DRF splits the header bytes on ASCII whitespace only', async () => {
    // The peer's answers (Django REST framework + Simple JWT), asked with these very headers.
    await expect401(server, { authorization: `Bearer\u00a0${access}` }, NOT_PROVIDED);
    await expect401(server, { authorization: `\u00a0Bearer ${access}` }, NOT_PROVIDED);
    await expect401(server, { authorization: `Bearer\u00a0 ${access}` }, NOT_PROVIDED);
    await expect401(server, { authorization: `Bearer ${access}\u00a0` }, notValid('Token is invalid or expired'));
    await expect401(server, { authorization: `Bearer ${access}\u00a0extra` }, notValid('Token is invalid or expired'));
    await expect401(server, { authorization: `Bearer \u0085${access}` }, notValid('Token is invalid or expired'));
  });

  test('garbage, a forged signature and a token signed with another key: invalid or expired', async () => {
    await expect401(server, { authorization: 'Bearer abc' }, notValid('Token is invalid or expired'));
    await expect401(server, { authorization: 'Bearer a.b.c' }, notValid('Token is invalid or expired'));
    const other = mint(server, accessClaims(server), { signingKey: 'another-key-that-is-also-long-enough-for-hs256-xxxxxxxx' });
    await expect401(server, { authorization: `Bearer ${other}` }, notValid('Token is invalid or expired'));
    const [h, , s] = access.split('.');
    const claims = JSON.parse(Buffer.from(access.split('.')[1]!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, user_id: 2 })).toString('base64url')}.${s}`;
    await expect401(server, { authorization: `Bearer ${tampered}` }, notValid('Token is invalid or expired'));
  });

  test('alg none and an HS512 token when HS256 is configured are refused', async () => {
    const none = createSigner({ algorithm: 'none' })(accessClaims(server));
    await expect401(server, { authorization: `Bearer ${none}` }, notValid('Token is invalid or expired'));
    const unsignedWithDot = `${none.replace(/\.$/, '')}.`;
    await expect401(server, { authorization: `Bearer ${unsignedWithDot}` }, notValid('Token is invalid or expired'));
    const hs512 = mint(server, accessClaims(server), { algorithm: 'HS512' });
    await expect401(server, { authorization: `Bearer ${hs512}` }, notValid('Token is invalid or expired'));
    const hs384 = mint(server, accessClaims(server), { algorithm: 'HS384' });
    await expect401(server, { authorization: `Bearer ${hs384}` }, notValid('Token is invalid or expired'));
  });

  test('a refresh token in the header: wrong type', async () => {
    await expect401(server, { authorization: `Bearer ${refresh}` }, notValid('Token has wrong type'));
  });

  test('claims missing: no type, no id, no exp (checked in Simple JWT\'s order)', async () => {
    const base = accessClaims(server);
    await expect401(server, { authorization: `Bearer ${mint(server, without(base, 'token_type'))}` }, notValid('Token has no type'));
    await expect401(server, { authorization: `Bearer ${mint(server, without(base, 'jti'))}` }, notValid('Token has no id'));
    await expect401(server, { authorization: `Bearer ${mint(server, without(base, 'jti', 'token_type'))}` }, notValid('Token has no id'));
    await expect401(server, { authorization: `Bearer ${mint(server, without(base, 'exp'))}` }, notValid("Token has no 'exp' claim"));
    await expect401(server, { authorization: `Bearer ${mint(server, { ...base, exp: base.iat })}` }, notValid('Token is invalid or expired'));
    await expect401(server, { authorization: `Bearer ${mint(server, { ...base, nbf: Number(base.iat) + 100 })}` }, notValid('Token is invalid or expired'));
  });

  test('a token with no user_id claim: no recognizable user identification', async () => {
    const token = mint(server, without(accessClaims(server), 'user_id'));
    await expect401(server, { authorization: `Bearer ${token}` }, { detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });
  });

  test('user id as a digit string is accepted (Django casts it), unknown and null ids are user_not_found', async () => {
    const asString = await server.get('/api/user/', { authorization: `Bearer ${mint(server, accessClaims(server, { user_id: '1' }))}` });
    assert.equal(asString.status, 200);
    assert.deepEqual(asString.json, { id: 1, username: 'shoumitro' });
    const notFound = { detail: 'User not found', code: 'user_not_found' };
    await expect401(server, { authorization: `Bearer ${mint(server, accessClaims(server, { user_id: 999 }))}` }, notFound);
    await expect401(server, { authorization: `Bearer ${mint(server, accessClaims(server, { user_id: null }))}` }, notFound);
  });

  test('a deleted user: user_not_found; an inactive user: user_inactive', async () => {
    const ghost = await server.createUser('ghost', 'Ab12345678');
    const { access: ghostAccess, auth: ghostAuth } = await server.login('ghost', 'Ab12345678');
    assert.equal((await server.get('/api/user/', ghostAuth)).status, 200);
    // Deleted through the store, as tessera deletes users: the user this process read a moment
    // ago (`userCacheTtl`) is forgotten at once (another process's change waits out the TTL).
    await server.store.users.delete(ghost.id);
    await expect401(server, { authorization: `Bearer ${ghostAccess}` }, { detail: 'User not found', code: 'user_not_found' });

    const sleeper = await server.store.users.findByUsername('sleeper');
    const token = mint(server, accessClaims(server, { user_id: sleeper!.id }));
    await expect401(server, { authorization: `Bearer ${token}` }, { detail: 'User is inactive', code: 'user_inactive' });
  });

  test('an inactive user cannot log in at all', async () => {
    const answer = await server.post('/api/token/', { username: 'sleeper', password: 'Ab12345678' });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'No active account found with the given credentials' });
  });

  test('the same errors on the other protected routes (students; the restricted view in test/http/seed-views)', async () => {
    const anonymous = await server.get('/studentapi/');
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, NOT_PROVIDED);
    assert.equal(anonymous.headers.get('allow'), 'GET, POST, HEAD, OPTIONS');
    const students = await server.get('/studentapi/', { authorization: 'Bearer' });
    assert.equal(students.status, 401);
    assert.deepEqual(students.json, BAD_HEADER);
    assert.equal(students.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  test('the token routes themselves ignore a bad Authorization header (AllowAny, no authentication)', async () => {
    const answer = await server.post('/api/token/', { username: 'shoumitro', password: 'Ab12345678' }, { authorization: 'Bearer garbage' });
    assert.equal(answer.status, 200);
  });
});

describe('checkUserIsActive: false', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ checkUserIsActive: false });
    await server.createUser('sleeper', 'Ab12345678', { isActive: false });
  });
  after(() => server.close());

  test('an inactive user\'s access token passes', async () => {
    const answer = await server.get('/api/user/', { authorization: `Bearer ${mint(server, accessClaims(server))}` });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { id: 1, username: 'sleeper' });
  });
});

describe('authHeaderTypes: [Bearer, JWT]', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authHeaderTypes: ['Bearer', 'JWT'] });
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('both schemes are accepted; the challenge names the first', async () => {
    const token = mint(server, accessClaims(server));
    for (const scheme of ['Bearer', 'JWT']) {
      const answer = await server.get('/api/user/', { authorization: `${scheme} ${token}` });
      assert.equal(answer.status, 200, scheme);
    }
    await expect401(server, { authorization: `Token ${token}` }, NOT_PROVIDED);
    await expect401(server, { authorization: 'JWT' }, BAD_HEADER);
  });
});

describe('Simple JWT\'s and drf-jwt\'s classes together (authenticationClasses: jwt, drf-jwt)', () => {
  let server: TestServer;
  let access: string;
  before(async () => {
    ({ server, access } = await startSignedIn({ authenticationClasses: ['jwt', 'drf-jwt'] }));
  });
  after(() => server.close());

  test('the header is split as by the one class alone: ASCII whitespace only', async () => {
    assert.equal((await server.get('/api/user/', { authorization: `Bearer  ${access}` })).status, 200);
    await expect401(server, { authorization: `Bearer\u00a0${access}` }, NOT_PROVIDED);
    await expect401(server, { authorization: `Bearer ${access}\u00a0` }, notValid('Token is invalid or expired'));
  });
});

describe('authHeaderName: x-access-token (Simple JWT\'s AUTH_HEADER_NAME)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authHeaderName: 'x-access-token' });
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('the token is read from the named header only', async () => {
    const token = mint(server, accessClaims(server));
    assert.equal((await server.get('/api/user/', { 'x-access-token': `Bearer ${token}` })).status, 200);
    await expect401(server, { authorization: `Bearer ${token}` }, NOT_PROVIDED);
    await expect401(server, { 'x-access-token': 'Bearer' }, BAD_HEADER);
  });
});

describe('audience and issuer settings', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ audience: 'tessera-api', issuer: 'https://issuer.example' });
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('issued tokens carry aud and iss and authenticate', async () => {
    const pair = await server.login();
    for (const token of [pair.access, pair.refresh]) {
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      assert.equal(claims.aud, 'tessera-api');
      assert.equal(claims.iss, 'https://issuer.example');
    }
    assert.equal((await server.get('/api/user/', pair.auth)).status, 200);
    assert.equal((await server.post('/api/token/refresh/', { refresh: pair.refresh })).status, 200);
  });

  test('a token with no aud/iss, or the wrong ones, is invalid', async () => {
    const claims = accessClaims(server);
    for (const options of [
      { audience: null, issuer: null },
      { audience: 'someone-else' },
      { issuer: 'https://evil.example' },
      { audience: null },
      { issuer: null },
    ]) {
      const token = mint(server, claims, options);
      await expect401(server, { authorization: `Bearer ${token}` }, notValid('Token is invalid or expired'));
      const verify = await server.post('/api/token/verify/', { token });
      assert.equal(verify.status, 401, JSON.stringify(options));
    }
  });
});
