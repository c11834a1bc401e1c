import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { JwtCodec, TokenBackendError } from '../../src/crypto/index.js';
import { loadSettings } from '../../src/settings/index.js';
import { startServer, TEST_SIGNING_KEY, type Answer, type TestServer } from '../support/server.js';

/**
 * Forged and mutated tokens. Every one must be refused with Simple JWT's token error answers:
 * 401 "Given token not valid for any token type" at /api/user/, 401 `token_not_valid` at
 * refresh and verify; never a 500 and never a message Simple JWT does not send.
 */

const SIMPLE_JWT_TOKEN_MESSAGES = new Set([
  'Token is invalid or expired',
  'Token has wrong type',
  'Token has no type',
  'Token has no id',
  'Token is blacklisted',
  "Token has no 'exp' claim",
  "Token 'exp' claim has expired",
]);

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const json = (value: unknown) => b64(JSON.stringify(value));
const hmac = (key: string | Buffer, input: string, hash = 'sha256') => createHmac(hash, key).update(input).digest('base64url');

/** `header.payload.signature` from raw segment texts, signed with `key` (HMAC-SHA256) unless a signature is given. */
function forge(header: string, payload: string, key: string | Buffer | null = TEST_SIGNING_KEY, signature?: string): string {
  const input = `${header}.${payload}`;
  return `${input}.${signature ?? (key === null ? '' : hmac(key, input))}`;
}

const HS256 = json({ alg: 'HS256', typ: 'JWT' });

interface Forged {
  name: string;
  token: string;
  /** False for tokens that are authentic tokens but unusable for a user (verify accepts any type). */
  invalidEverywhere: boolean;
}

function corpus(now: number, userId: number, type: 'access' | 'refresh'): Forged[] {
  const claims = (extra: Record<string, unknown> = {}) => ({ token_type: type, exp: now + 300, iat: now, jti: 'a'.repeat(32), user_id: userId, ...extra });
  const good = forge(HS256, json(claims()));
  const [gh, gp, gs] = good.split('.') as [string, string, string];
  const { publicKey: rsaPublic } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPem = rsaPublic.export({ type: 'spki', format: 'pem' }).toString();
  const attackerJwk = { kty: 'oct', k: b64('attacker-key') };
  const list: Forged[] = [];
  const add = (name: string, token: string, invalidEverywhere = true) => list.push({ name, token, invalidEverywhere });

  // alg none, every spelling, with and without a signature.
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    const header = json({ alg, typ: 'JWT' });
    add(`alg ${alg} without signature`, `${header}.${gp}.`);
    add(`alg ${alg} without signature or dot`, `${header}.${gp}`);
    add(`alg ${alg} with the real signature`, `${header}.${gp}.${gs}`);
    add(`alg ${alg} signed with the real key`, forge(header, gp));
  }
  add('alg missing', forge(json({ typ: 'JWT' }), gp));
  add('alg HS512 with the real key', forge(json({ alg: 'HS512' }), gp, null, createHmac('sha512', TEST_SIGNING_KEY).update(`${json({ alg: 'HS512' })}.${gp}`).digest('base64url')));
  add('alg as an array', forge(json({ alg: ['HS256'] }), gp));
  add('alg as null', forge(json({ alg: null }), gp));
  // Null, empty and truncated signatures.
  add('empty signature', `${gh}.${gp}.`);
  add('signature of zero bytes', `${gh}.${gp}.${b64(Buffer.alloc(32))}`);
  add('signature truncated by one character', `${gh}.${gp}.${gs.slice(0, -1)}`);
  add('signature truncated to half', `${gh}.${gp}.${gs.slice(0, 21)}`);
  add('signature with one bit flipped', `${gh}.${gp}.${gs.slice(0, 10)}${gs[10] === 'A' ? 'B' : 'A'}${gs.slice(11)}`);
  add('signature with a character appended', `${gh}.${gp}.${gs}A`);
  add('signature "null"', `${gh}.${gp}.null`);
  add('signature of another payload', `${gh}.${json(claims({ user_id: userId + 1 }))}.${gs}`);
  // Weak and empty HMAC keys, and HS/RS key confusion.
  add('signed with an empty key', forge(HS256, gp, ''));
  add('signed with "secret"', forge(HS256, gp, 'secret'));
  add('signed with the key\'s prefix', forge(HS256, gp, TEST_SIGNING_KEY.slice(0, 32)));
  add('HS256 with an RSA public key PEM as secret', forge(HS256, gp, rsaPem));
  add('RS256 header signed HS256 with the RSA public key PEM', forge(json({ alg: 'RS256', typ: 'JWT' }), gp, rsaPem));
  // Embedded keys and key URLs pointing elsewhere, signed by the attacker.
  add('embedded jwk', forge(json({ alg: 'HS256', jwk: attackerJwk }), gp, 'attacker-key'));
  add('jku elsewhere', forge(json({ alg: 'HS256', jku: 'https://attacker.example/jwks.json', kid: 'x' }), gp, 'attacker-key'));
  add('x5u elsewhere', forge(json({ alg: 'RS256', x5u: 'https://attacker.example/cert.pem' }), gp, 'attacker-key'));
  add('x5c of the attacker', forge(json({ alg: 'RS256', x5c: [b64('not a certificate')] }), gp, 'attacker-key'));
  // kid path traversal and SQL injection (signing with what the injected path or query would yield).
  add('kid path traversal to /dev/null', forge(json({ alg: 'HS256', kid: '../../../../../../dev/null' }), gp, ''));
  add('kid absolute path', forge(json({ alg: 'HS256', kid: '/proc/self/environ' }), gp, ''));
  add('kid SQL injection', forge(json({ alg: 'HS256', kid: "x' UNION SELECT 'key' -- " }), gp, 'key'));
  add('kid SQL injection 2', forge(json({ alg: 'HS256', kid: "1; DROP TABLE auth_user; --" }), gp, 'key'));
  add('kid as an object', forge(json({ alg: 'HS256', kid: { $ne: null } }), gp, 'secret'));
  // Claims of the wrong JSON type, signed with the real key.
  add('exp as a string', forge(HS256, json(claims({ exp: String(now + 300) }))));
  add('exp as a float in the past', forge(HS256, json(claims({ exp: now - 0.5 }))));
  add('exp overflowing to Infinity', forge(HS256, json(claims()).replace(/.*/, () => b64(JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":1e999')))));
  add('exp negative', forge(HS256, json(claims({ exp: -1 }))));
  add('exp "NaN"', forge(HS256, json(claims({ exp: 'NaN' }))));
  add('exp null', forge(HS256, json(claims({ exp: null }))));
  add('exp true', forge(HS256, json(claims({ exp: true }))));
  add('exp an array', forge(HS256, json(claims({ exp: [now + 300] }))));
  add('exp missing', forge(HS256, json({ ...claims(), exp: undefined })));
  add('iat as a string', forge(HS256, json(claims({ iat: 'yesterday' }))));
  add('nbf in the future', forge(HS256, json(claims({ nbf: now + 3600 }))));
  add('nbf as an object', forge(HS256, json(claims({ nbf: {} }))));
  add('token_type a number', forge(HS256, json(claims({ token_type: 1 }))), false);
  add('token_type missing', forge(HS256, json({ ...claims(), token_type: undefined })), false);
  add('token_type an array', forge(HS256, json(claims({ token_type: [type] }))), false);
  add('jti an object', forge(HS256, json(claims({ jti: { $gt: '' } }))), false);
  add('jti missing', forge(HS256, json({ ...claims(), jti: undefined })), false);
  add('user_id true', forge(HS256, json(claims({ user_id: true }))), false);
  add('user_id an array', forge(HS256, json(claims({ user_id: [userId] }))), false);
  add('user_id an object', forge(HS256, json(claims({ user_id: { id: userId } }))), false);
  add('user_id null', forge(HS256, json(claims({ user_id: null }))), false);
  add('user_id a float', forge(HS256, json(claims({ user_id: userId + 0.5 }))), false);
  add('user_id SQL', forge(HS256, json(claims({ user_id: `${userId} OR 1=1` }))), false);
  add('payload a JSON array', forge(HS256, json([claims()])));
  add('payload a JSON string', forge(HS256, json('claims')));
  add('payload JSON null', forge(HS256, json(null)));
  add('payload not JSON', forge(HS256, b64('{not json')));
  add('payload empty', forge(HS256, ''));
  add('payload with __proto__', forge(HS256, b64(`{"__proto__":{"isAdmin":true},${JSON.stringify(claims()).slice(1)}`)));
  add('header a JSON array', forge(json(['HS256']), gp));
  add('header not JSON', forge(b64('{"alg":"HS256"'), gp));
  // Duplicate member names: a parser that keeps the first and one that keeps the last disagree.
  add('duplicate alg in header', forge(b64('{"alg":"none","alg":"HS256","typ":"JWT"}'), gp));
  add('duplicate user_id in payload', forge(HS256, b64(`${JSON.stringify(claims()).slice(0, -1)},"user_id":${userId + 1}}`)));
  add('duplicate exp in payload', forge(HS256, b64(`{"exp":1,${JSON.stringify(claims()).slice(1)}`)));
  add('duplicate token_type in payload', forge(HS256, b64(`${JSON.stringify(claims()).slice(0, -1)},"token_type":"${type === 'access' ? 'refresh' : 'access'}"}`)));
  // crit and b64 (RFC 7797), cty JWT (nested).
  add('crit b64 with b64:false', forge(json({ alg: 'HS256', b64: false, crit: ['b64'] }), gp));
  add('b64:false alone', forge(json({ alg: 'HS256', b64: false }), gp));
  add('crit of an unknown extension', forge(json({ alg: 'HS256', crit: ['exp'], exp: now + 300 }), gp));
  add('crit empty', forge(json({ alg: 'HS256', crit: [] }), gp));
  add('b64:false with a raw payload', `${json({ alg: 'HS256', b64: false, crit: ['b64'] })}..${hmac(TEST_SIGNING_KEY, `${json({ alg: 'HS256', b64: false, crit: ['b64'] })}.${JSON.stringify(claims())}`)}`);
  add('cty JWT nesting a token', forge(json({ alg: 'HS256', cty: 'JWT' }), b64(good)));
  add('cty JWT over claims', forge(json({ alg: 'HS256', cty: 'JWT' }), gp));
  // Lenient base64: padding, the standard alphabet, whitespace.
  add('padded signature', `${gh}.${gp}.${gs}=`);
  add('padded payload re-signed', (() => {
    let pad = 'x';
    while (!Buffer.from(JSON.stringify(claims({ pad }))).toString('base64').endsWith('=')) pad += 'x';
    return forge(HS256, Buffer.from(JSON.stringify(claims({ pad }))).toString('base64'));
  })());
  add('standard alphabet in the signature', `${gh}.${gp}.${gs.replace(/-/g, '+').replace(/_/g, '/')}${/[-_]/.test(gs) ? '' : '+'}`);
  add('standard alphabet in the payload re-signed', forge(HS256, b64(JSON.stringify(claims({ s: '\u00fb\u00ff\u00fe>?' }))).replace(/-/g, '+').replace(/_/g, '/')));
  add('whitespace inside the payload re-signed', forge(HS256, `${gp.slice(0, 8)} ${gp.slice(8)}`));
  add('newline inside the signature', `${gh}.${gp}.${gs.slice(0, 20)}\n${gs.slice(20)}`);
  add('tab inside the header re-signed', forge(`${gh.slice(0, 4)}\t${gh.slice(4)}`, gp));
  add('non-canonical last signature character', `${gh}.${gp}.${gs.slice(0, -1)}${String.fromCharCode(gs.charCodeAt(gs.length - 1) ^ 1)}`);
  add('non-canonical last payload character re-signed', (() => {
    const payload = json(claims({ z: 'a' }));
    const last = payload[payload.length - 1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const bits = payload.length % 4 === 2 ? 4 : payload.length % 4 === 3 ? 2 : 0;
    const changed = bits ? alphabet[alphabet.indexOf(last) | 1]! : `${last}`;
    return forge(HS256, `${payload.slice(0, -1)}${changed === last ? alphabet[alphabet.indexOf(last) ^ 1] : changed}`);
  })());
  add('percent-encoded dot', `${gh}%2E${gp}%2E${gs}`);
  // Wrong segment counts.
  add('one segment', gh);
  add('two segments', `${gh}.${gp}`);
  add('four segments', `${good}.${gs}`);
  add('five segments (JWE shape)', `${gh}.${gp}.${gs}.${gs}.${gs}`);
  add('empty segments', '..');
  add('dots only', '....');
  // Huge.
  add('60 KB payload re-signed', forge(HS256, json(claims({ pad: 'x'.repeat(45_000) }))));
  add('60 KB of garbage', 'A'.repeat(60_000));
  // CVE-2022-21449: ES256 with r = s = 0.
  add('ES256 with an all-zero signature', `${json({ alg: 'ES256', typ: 'JWT' })}.${gp}.${b64(Buffer.alloc(64))}`);
  add('ES256 with an all-zero DER signature', `${json({ alg: 'ES256', typ: 'JWT' })}.${gp}.${b64(Buffer.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]))}`);
  // Garbage.
  add('empty string in the header value position', 'e30.e30.e30');
  add('unicode', 'тест.тест.тест');
  add('NUL bytes', `${gh}\u0000.${gp}.${gs}`);
  return list;
}

/** Runs every case, then fails once listing every case that failed (not just the first). */
async function everyCase<T>(cases: T[], run: (item: T) => Promise<void>): Promise<void> {
  const failures: string[] = [];
  for (const item of cases) {
    try {
      await run(item);
    } catch (error) {
      failures.push((error as Error).message.split('\n')[0]!);
    }
  }
  assert.deepEqual(failures, []);
}

/** The refusal the token views send (Simple JWT's `InvalidToken` from a `TokenError`). */
function assertTokenViewRefusal(answer: Answer, name: string): void {
  if (answer.status === 400 && name.endsWith('NUL bytes')) {
    // DRF's CharField refuses NUL before the token is looked at, as the peer does.
    assert.match(JSON.stringify(answer.json), /Null characters are not allowed\./, name);
    return;
  }
  assert.equal(answer.status, 401, `${name}: ${answer.status} ${answer.text.slice(0, 200)}`);
  assert.deepEqual(Object.keys(answer.json ?? {}).sort(), ['code', 'detail'], name);
  assert.equal(answer.json.code, 'token_not_valid', name);
  assert.ok(SIMPLE_JWT_TOKEN_MESSAGES.has(answer.json.detail), `${name}: ${answer.json.detail}`);
}

/** `JWTAuthentication`'s refusal. */
function assertAuthenticationRefusal(answer: Answer, name: string): void {
  assert.equal(answer.status, 401, `${name}: ${answer.status} ${answer.text.slice(0, 200)}`);
  if (name === 'user_id null') {
    // Django finds no user with id NULL: Simple JWT's "User not found".
    assert.deepEqual(answer.json, { detail: 'User not found', code: 'user_not_found' }, name);
    return;
  }
  assert.equal(answer.json?.code, 'token_not_valid', `${name}: ${answer.text.slice(0, 200)}`);
  if (answer.json.detail === 'Token contained no recognizable user identification') {
    assert.deepEqual(Object.keys(answer.json).sort(), ['code', 'detail'], name);
    return;
  }
  assert.equal(answer.json.detail, 'Given token not valid for any token type', name);
  assert.ok(Array.isArray(answer.json.messages) && answer.json.messages.length >= 1, name);
  for (const message of answer.json.messages) {
    assert.deepEqual(Object.keys(message).sort(), ['message', 'token_class', 'token_type'], name);
    assert.ok(SIMPLE_JWT_TOKEN_MESSAGES.has(message.message), `${name}: ${message.message}`);
  }
}

describe('forged and mutated tokens (HS256 server)', () => {
  let server: TestServer;
  let userId: number;
  let now: number;
  before(async () => {
    // Throttling (on by default) would answer this many refreshes 429 before looking at them.
    server = await startServer({ throttleEnabled: false });
    userId = (await server.createUser('victim', 'Ab12345678')).id;
    now = Math.floor(server.clock.now / 1000);
  });
  after(() => server.close());

  test('the baseline forgery machinery makes tokens the server accepts', async () => {
    // Without this, every refusal below could be a broken forge().
    const access = forge(HS256, json({ token_type: 'access', exp: now + 300, iat: now, jti: 'a'.repeat(32), user_id: userId }));
    const answer = await server.get('/api/user/', { authorization: `Bearer ${access}` });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.id, userId);
    const refresh = forge(HS256, json({ token_type: 'refresh', exp: now + 300, iat: now, jti: 'b'.repeat(32), user_id: userId }));
    assert.equal((await server.post('/api/token/refresh/', { refresh })).status, 200);
    assert.equal((await server.post('/api/token/verify/', { token: refresh })).status, 200);
  });

  test('/api/user/ refuses every forged access token with the token error body', async () => {
    const cases = corpus(now, userId, 'access');
    assert.ok(cases.length > 90, `corpus has ${cases.length} tokens`);
    // Whitespace splits the header into more than two values (its own 401), and HTTP clients
    // refuse to send control characters or non-Latin-1 in a header: those go in bodies below.
    const sendable = cases.filter(({ token }) => !/[\s\u0000-\u001f]/.test(token) && !/[^\x20-\x7e]/.test(token));
    assert.ok(cases.length - sendable.length <= 6);
    await everyCase(sendable, async ({ name, token }) => {
      const answer = await server.get('/api/user/', { authorization: `Bearer ${token}` });
      if (token.length > 16_000) {
        // Node refuses a header past its 16 KB limit before any route runs.
        assert.ok(answer.status === 431 || answer.status === 401, `${name}: ${answer.status}`);
        if (answer.status === 431) return;
      }
      assertAuthenticationRefusal(answer, name);
    });
  });

  test('/api/token/verify/ refuses every forged token that is not an authentic token', async () => {
    const both = (['access', 'refresh'] as const).flatMap((type) => corpus(now, userId, type).map((item) => ({ type, ...item })));
    await everyCase(both, async ({ type, name, token, invalidEverywhere }) => {
        const answer = await server.post('/api/token/verify/', { token });
        if (invalidEverywhere) {
          assertTokenViewRefusal(answer, `${type}: ${name}`);
        } else {
          // Verify answers for any type; an authentic token with an odd user claim is still a token.
          assert.ok(answer.status === 200 || answer.status === 401, `${type}: ${name}: ${answer.status}`);
          if (answer.status === 401) assertTokenViewRefusal(answer, `${type}: ${name}`);
        }
    });
  });

  test('/api/token/refresh/ refuses every forged refresh token', async () => {
    await everyCase(corpus(now, userId, 'refresh'), async ({ name, token }) => {
      const answer = await server.post('/api/token/refresh/', { refresh: token });
      if (/^user_id /.test(name)) {
        // A refresh token whose user claim names nobody: Simple JWT 5.3's "no active account".
        assert.equal(answer.status, 401, `${name}: ${answer.text}`);
        assert.ok(['token_not_valid', 'no_active_account'].includes(answer.json?.code), `${name}: ${answer.text}`);
        return;
      }
      assertTokenViewRefusal(answer, name);
    });
    // And every access-token forgery is at best an access token, which refresh refuses.
    await everyCase(corpus(now, userId, 'access'), async ({ name, token }) => {
      assertTokenViewRefusal(await server.post('/api/token/refresh/', { refresh: token }), `access as refresh: ${name}`);
    });
  });

  test('a refresh token is not an access token', async () => {
    const pair = await server.login('victim', 'Ab12345678');
    const answer = await server.get('/api/user/', { authorization: `Bearer ${pair.refresh}` });
    assertAuthenticationRefusal(answer, 'refresh as access');
    assert.deepEqual(answer.json.messages, [{ token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' }]);
    assert.equal((await server.get('/api/user/', { authorization: `Bearer ${pair.access}` })).status, 200);
  });

  test('a token in the query string does not authenticate', async () => {
    const { access } = await server.login('victim', 'Ab12345678');
    for (const query of [`token=${access}`, `access=${access}`, `access_token=${access}`, `jwt=${access}`, `authorization=Bearer%20${access}`]) {
      const answer = await server.get(`/api/user/?${query}`);
      assert.equal(answer.status, 401, query);
      assert.deepEqual(answer.json, { detail: 'Authentication credentials were not provided.' }, query);
    }
  });

  test('every refusal is the same for a wrong key and an expired token: no hint which check failed', async () => {
    const wrongKey = forge(HS256, json({ token_type: 'access', exp: now + 300, iat: now, jti: 'c'.repeat(32), user_id: userId }), 'secret');
    const expired = forge(HS256, json({ token_type: 'access', exp: now - 1, iat: now - 301, jti: 'c'.repeat(32), user_id: userId }));
    const a = await server.get('/api/user/', { authorization: `Bearer ${wrongKey}` });
    const b = await server.get('/api/user/', { authorization: `Bearer ${expired}` });
    assert.equal(a.status, 401);
    assert.deepEqual(a.json, b.json);
    assert.equal(a.json.messages[0].message, 'Token is invalid or expired');
  });
});

describe('CVE-2022-21449 against an ES256 server', () => {
  test('an all-zero ES256 signature is refused when tessera verifies ES256', async (t) => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let server: TestServer;
    try {
      loadSettings({ overrides: { algorithm: 'ES256' as never, signingKey: pem, dataDir: '/nonexistent' } });
      server = await startServer({ algorithm: 'ES256' as never, signingKey: pem });
    } catch (error) {
      const why = `ES256 is not configurable in this build (${(error as Error).message.split('\n')[0]})`;
      console.log(`# skipped the ES256 server case: ${why}`);
      t.skip(why);
      return;
    }
    try {
      const user = await server.createUser('ec-user', 'Ab12345678');
      // The server really verifies ES256: its own token works.
      const { access } = await server.login('ec-user', 'Ab12345678');
      const own = await server.get('/api/user/', { authorization: `Bearer ${access}` });
      if (own.status !== 200) {
        const why = `ES256 is accepted by settings but this build does not yet verify its own ES256 tokens (${own.status} ${own.text.slice(0, 120)})`;
        console.log(`# skipped the ES256 server case: ${why}`);
        t.skip(why);
        return;
      }
      const now = Math.floor(server.clock.now / 1000);
      const payload = json({ token_type: 'access', exp: now + 300, iat: now, jti: 'd'.repeat(32), user_id: user.id });
      const header = json({ alg: 'ES256', typ: 'JWT' });
      const headerWithKid = access.split('.')[0]!;
      for (const [name, token] of [
        ['raw r=s=0', `${header}.${payload}.${b64(Buffer.alloc(64))}`],
        ['raw r=s=0 with the server\'s header', `${headerWithKid}.${payload}.${b64(Buffer.alloc(64))}`],
        ['DER r=s=0', `${header}.${payload}.${b64(Buffer.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]))}`],
        ['empty signature', `${headerWithKid}.${payload}.`],
        ['HS256 signed with the public key PEM', forge(json({ alg: 'HS256' }), payload, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())],
      ] as const) {
        assertAuthenticationRefusal(await server.get('/api/user/', { authorization: `Bearer ${token}` }), name);
        assertTokenViewRefusal(await server.post('/api/token/verify/', { token }), name);
      }
    } finally {
      await server.close();
    }
  });
});

describe('RFC 7515 appendix A.1 (HS256) vectors', () => {
  // The example's key, header (with its CRLF and space) and payload, byte for byte.
  const key = Buffer.from('AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', 'base64url');
  const header = 'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9';
  const payload = 'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ';
  const signature = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const valid = `${header}.${payload}.${signature}`;
  const codecFor = (signingKey: string | Buffer) => new JwtCodec({
    algorithm: 'HS256',
    // The RFC's key is 64 random bytes, not text; fast-jwt takes a Buffer as an HMAC secret.
    signingKey: signingKey as string,
    audience: null,
    issuer: null,
    leeway: 0,
    clock: () => 1300819370 * 1000,
  });

  test('the signature is the RFC\'s (our HMAC input is the segments as sent)', () => {
    assert.equal(hmac(key, `${header}.${payload}`), signature);
  });

  test('our codec accepts exactly the valid token with its key', () => {
    const claims = codecFor(key).decode(valid);
    assert.deepEqual(claims, { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true });
  });

  test('and refuses every altered variant', () => {
    const codec = codecFor(key);
    const variants: [string, string][] = [
      ['other key', valid],
      ['flipped signature bit', `${header}.${payload}.${signature.replace(/^d/, 'e')}`],
      ['payload re-encoded without CRLF', `${header}.${b64('{"iss":"joe","exp":1300819380,"http://example.com/is_root":true}')}.${signature}`],
      ['alg none', `${b64('{"typ":"JWT",\r\n "alg":"none"}')}.${payload}.`],
      ['alg HS384', `${b64('{"typ":"JWT",\r\n "alg":"HS384"}')}.${payload}.${signature}`],
      ['padded signature', `${valid}=`],
      ['standard base64 signature', `${header}.${payload}.${signature.replace(/-/g, '+').replace(/_/g, '/')}`],
      ['signature without its last character', valid.slice(0, -1)],
      ['payload with a trailing A', `${header}.${payload}A.${signature}`],
      ['four segments', `${valid}.`],
    ];
    for (const [name, token] of variants) {
      const using = name === 'other key' ? codecFor(TEST_SIGNING_KEY) : codec;
      assert.throws(() => using.decode(token), TokenBackendError, name);
    }
    // Expired one second after its `exp` (PyJWT: exp <= now is expired).
    const late = new JwtCodec({ algorithm: 'HS256', signingKey: key as unknown as string, audience: null, issuer: null, leeway: 0, clock: () => 1300819380 * 1000 });
    assert.throws(() => late.decode(valid), (error: unknown) => error instanceof TokenBackendError && error.reason === 'expired');
  });
});
