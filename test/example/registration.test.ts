import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JwtCodec } from '../../src/crypto/index.js';
import { buildServer } from '../../src/server/index.js';
import { loadSettings } from '../../src/settings/index.js';
import { decodeJwt, startServer, TEST_SIGNING_KEY, TestClock, type TestServer } from '../support/server.js';

const INCORRECT = { detail: 'Incorrect authentication credentials.' };
const PASSWORD = 'Wq8!vrt5xzp';

/** The path of a confirmation URL, and its token. */
function linkParts(url: string): { path: string; token: string } {
  const { pathname } = new URL(url);
  const match = /^\/api-activate\/([^/]+)\/$/.exec(pathname);
  assert.ok(match, pathname);
  return { path: pathname, token: match[1]! };
}

describe('seed 003: /api-register/ and /api-activate/<jwt>/ (console email: the link is answered)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ publicUrl: 'https://api.example.com/' });
    await server.createUser('admin', 'admin');
  });
  after(() => server.close());

  test('registers an inactive user and answers 201 with the confirmation URL under publicUrl', async () => {
    const answer = await server.post('/api-register/', { username: 'krzysiek', password: PASSWORD, email: 'krzysztof@kz.com' });
    assert.equal(answer.status, 201);
    assert.deepEqual(Object.keys(answer.json), ['confirmation_url']);
    assert.match(answer.json.confirmation_url, /^https:\/\/api\.example\.com\/api-activate\/[\w-]+\.[\w-]+\.[\w-]+\/$/);
    const user = await server.store.users.findByUsername('krzysiek');
    assert.equal(user?.isActive, false);
    assert.equal(user?.email, 'krzysztof@kz.com');
    assert.notEqual(user?.password, PASSWORD);
    const { claims } = decodeJwt(linkParts(answer.json.confirmation_url).token);
    assert.equal(claims.token_type, 'activation');
    assert.equal(claims.user_id, user?.id);
    assert.equal(claims.exp, Math.floor(server.clock.now / 1000) + server.settings.passwordResetTimeout);

    // Inactive until activated: no drf-jwt token for it yet.
    const login = await server.post('/api-auth/', { username: 'krzysiek', password: PASSWORD });
    assert.equal(login.status, 400);
  });

  test('the link activates once; a second use, and the same for an active user, is refused', async () => {
    const answer = await server.post('/api-register/', { username: 'once', password: PASSWORD, email: 'once@example.com' });
    const { path } = linkParts(answer.json.confirmation_url);
    const activated = await server.get(path);
    assert.equal(activated.status, 200);
    assert.deepEqual(activated.json, ['User Activated']);
    assert.equal((await server.store.users.findByUsername('once'))?.isActive, true);
    assert.equal((await server.post('/api-auth/', { username: 'once', password: PASSWORD })).status, 200);

    const again = await server.get(path);
    assert.equal(again.status, 401);
    assert.deepEqual(again.json, INCORRECT);

    // Deactivated later by an administrator: the old link does not bring the account back.
    await server.store.users.setActive((await server.store.users.findByUsername('once'))!.id, false);
    const replay = await server.get(path);
    assert.equal(replay.status, 401);
    assert.deepEqual(replay.json, INCORRECT);
    assert.equal((await server.store.users.findByUsername('once'))?.isActive, false);
  });

  test('20 parallel uses of one link: exactly one activates, the others are a used link\'s 401', async () => {
    const answer = await server.post('/api-register/', { username: 'burst', password: PASSWORD, email: 'burst@example.com' });
    const { path } = linkParts(answer.json.confirmation_url);
    const answers = await Promise.all(Array.from({ length: 20 }, () => server.get(path)));
    assert.equal(answers.filter((a) => a.status === 200).length, 1, `successes: ${answers.map((a) => a.status).join(' ')}`);
    for (const refused of answers.filter((a) => a.status !== 200)) {
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.json, INCORRECT);
    }
    assert.equal((await server.store.users.findByUsername('burst'))?.isActive, true);
  });

  test('the slashless link answers the same', async () => {
    const answer = await server.post('/api-register/', { username: 'slashless', password: PASSWORD, email: 's@example.com' });
    const activated = await server.get(linkParts(answer.json.confirmation_url).path.replace(/\/$/, ''));
    assert.equal(activated.status, 200);
    assert.deepEqual(activated.json, ['User Activated']);
  });

  test('expired: Signature has expired.; garbage or a forged signature: Error decoding signature.', async () => {
    const answer = await server.post('/api-register/', { username: 'late', password: PASSWORD, email: 'late@example.com' });
    const { path, token } = linkParts(answer.json.confirmation_url);
    for (const bad of ['abc', `${token.slice(0, -4)}AAAA`]) {
      const refused = await server.get(`/api-activate/${bad}/`);
      assert.equal(refused.status, 401, bad.slice(0, 10));
      assert.deepEqual(refused.json, { detail: 'Error decoding signature.' });
    }
    server.clock.advance(server.settings.passwordResetTimeout);
    try {
      const expired = await server.get(path);
      assert.equal(expired.status, 401);
      assert.deepEqual(expired.json, { detail: 'Signature has expired.' });
    } finally {
      server.clock.advance(-server.settings.passwordResetTimeout);
    }
    assert.equal((await server.store.users.findByUsername('late'))?.isActive, false);
  });

  test('a login token is not an activation link, and an activation link is not a login', async () => {
    await server.createUser('sleeper', 'sleeper', { isActive: false });
    const sleeper = await server.store.users.findByUsername('sleeper');
    const codec = new JwtCodec({ algorithm: 'HS256', signingKey: TEST_SIGNING_KEY, audience: null, issuer: null, leeway: 0, clock: server.clock.read });
    const exp = Math.floor(server.clock.now / 1000) + 60;
    // What the seed's own link carries (drf-jwt's payload), and a Simple JWT access token.
    const drfPayload = codec.encode({ user_id: sleeper!.id, username: 'sleeper', email: '', exp });
    const access = codec.encode({ token_type: 'access', exp, iat: exp - 60, jti: 'a'.repeat(32), user_id: sleeper!.id });
    for (const token of [drfPayload, access]) {
      const refused = await server.get(`/api-activate/${token}/`);
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.json, INCORRECT);
    }
    assert.equal((await server.store.users.findByUsername('sleeper'))?.isActive, false);

    const answer = await server.post('/api-register/', { username: 'notalogin', password: PASSWORD, email: 'n@example.com' });
    const { path, token } = linkParts(answer.json.confirmation_url);
    assert.equal((await server.get(path)).status, 200);
    for (const header of [`JWT ${token}`, `Bearer ${token}`]) {
      const write = await server.post('/tasks/', { title: 't', person: 1, due_to: '2017-01-01T00:00Z' }, { authorization: header });
      assert.equal(write.status, 401, header.slice(0, 6));
    }
    assert.deepEqual((await server.post('/api-token-verify/', { token })).json, { non_field_errors: ['Invalid payload.'] });
  });

  test('field errors: Django\'s username rules, taken usernames, blank and weak passwords, email', async () => {
    const cases: [unknown, Record<string, string[]>][] = [
      [{}, { username: ['This field is required.'], password: ['This field is required.'], email: ['This field is required.'] }],
      [{ username: 'bad name!', password: '   ', email: 'nope' }, {
        username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
        password: ['This field may not be blank.'],
        email: ['Enter a valid email address.'],
      }],
      [{ username: 'admin', password: PASSWORD, email: 'a@example.com' }, { username: ['A user with that username already exists.'] }],
      [{ username: 'x'.repeat(151), password: PASSWORD, email: 'a@example.com' }, { username: ['Ensure this field has no more than 150 characters.'] }],
      [{ username: 'weakling', password: '12345678', email: 'w@example.com' }, { password: ['This password is too common.', 'This password is entirely numeric.'] }],
    ];
    for (const [body, expected] of cases) {
      const answer = await server.post('/api-register/', body);
      assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 60));
      assert.deepEqual(answer.json, expected, JSON.stringify(body).slice(0, 60));
    }
    assert.equal(await server.store.users.findByUsername('weakling'), null);
  });

  test('usernames are normalized NFKC: look-alikes of a taken name are taken; names are stored and checked normalized', async () => {
    const taken = { username: ['A user with that username already exists.'] };
    // "admin" exists: its fullwidth look-alikes are the same name.
    for (const lookalike of ['\uFF41dmin', 'ad\uFF4Din']) {
      const answer = await server.post('/api-register/', { username: lookalike, password: PASSWORD, email: 'l@example.com' });
      assert.equal(answer.status, 400, lookalike);
      assert.deepEqual(answer.json, taken);
    }
    const answer = await server.post('/api-register/', { username: '\uFB00seed', password: PASSWORD, email: 'f@example.com' });
    assert.equal(answer.status, 201);
    assert.equal((await server.store.users.findByUsername('ffseed'))?.email, 'f@example.com');
    // U+3392 is one character NFKC spells as three letters: 60 of them are 180, past the limit.
    const long = await server.post('/api-register/', { username: '\u3392'.repeat(60), password: PASSWORD, email: 'm@example.com' });
    assert.deepEqual(long.json, { username: ['Ensure this field has no more than 150 characters.'] });
  });
});

describe('registration with real email: the link is only mailed', () => {
  let server: TestServer;
  let outbox: string;
  before(async () => {
    outbox = mkdtempSync(join(tmpdir(), 'tessera-outbox-'));
    server = await startServer({ emailUrl: `file:${outbox}` });
  });
  after(async () => {
    await server.close();
    rmSync(outbox, { recursive: true, force: true });
  });

  test('answers 201 "Activation link sent to <email>." and the mailed link activates', async () => {
    const answer = await server.post('/api-register/', { username: 'mailed', password: PASSWORD, email: 'mailed@example.com' });
    assert.equal(answer.status, 201);
    assert.deepEqual(answer.json, { detail: 'Activation link sent to mailed@example.com.' });
    assert.doesNotMatch(answer.text, /api-activate/);
    const files = readdirSync(outbox).filter((name) => name.endsWith('.eml'));
    assert.equal(files.length, 1);
    // Undo quoted-printable soft line breaks and escapes.
    const eml = readFileSync(join(outbox, files[0]!), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    assert.match(eml, /^To: mailed@example\.com$/m);
    const link = /http:\/\/127\.0\.0\.1:8000(\/api-activate\/[\w.-]+\/)/.exec(eml);
    assert.ok(link, eml);
    const activated = await server.get(link[1]!);
    assert.equal(activated.status, 200);
    assert.deepEqual(activated.json, ['User Activated']);
  });
});

describe('the request log never shows an activation token', () => {
  test('the URL of /api-activate/<jwt>/ is logged redacted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-log-'));
    const lines: string[] = [];
    const settings = loadSettings({
      cwd: dir,
      overrides: { databaseUrl: `sqlite:${join(dir, 'db.sqlite3')}`, dataDir: dir, signingKey: TEST_SIGNING_KEY, logLevel: 'info' },
    });
    const clock = new TestClock();
    const { app } = await buildServer({ settings, clock: clock.read, logStream: { write: (line) => void lines.push(line) } });
    try {
      const registered = await app.inject({ method: 'POST', url: '/api-register/', payload: { username: 'logged', password: PASSWORD, email: 'l@example.com' } });
      const { path, token } = linkParts(registered.json().confirmation_url);
      const activated = await app.inject({ method: 'GET', url: path });
      assert.equal(activated.statusCode, 200);
      await app.inject({ method: 'GET', url: path.replace('-activate', '%2Dactivate') });
      const log = lines.join('');
      assert.match(log, /"url":"\/api-activate\/\[redacted\]\/"/);
      assert.ok(!log.includes(token), 'the token is not in the log');
      assert.ok(!log.includes(token.split('.')[2]!), 'not even its signature');
      assert.match(log, /"url":"\/api-register\/"/);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
