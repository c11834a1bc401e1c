import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, startServer, type Answer, type TestServer } from '../support/server.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const PASSWORD = 'Ab12345678';
const bearer = (access: string) => ({ authorization: `Bearer ${access}` });
const NOT_VALID = 'passkey_not_valid';
const REFUSED_SIGN_IN = { detail: 'This passkey was not accepted. Try again, or sign in with your password.', code: NOT_VALID };
const NOT_VERIFIED = { detail: 'The passkey could not be verified. Ask for new options and try again.', code: NOT_VALID };

function assertStatus(answer: Answer, status: number): void {
  assert.equal(answer.status, status, `${answer.status} ${answer.text}`);
}

describe('passkeys over HTTP: register, list, remove, sign in (WebAuthn with a software authenticator)', () => {
  let server: TestServer;
  const authenticators = new Map<string, SoftAuthenticator>();
  const authenticatorOf = (name: string) => {
    if (!authenticators.has(name)) authenticators.set(name, new SoftAuthenticator(server.settings.webauthnOrigins[0]!, server.settings.webauthnRpId));
    return authenticators.get(name)!;
  };
  const login = async (username: string) => (await server.login(username, PASSWORD)).auth;
  /** Registers a passkey for the signed-in `auth` on `username`'s authenticator; the 201's body. */
  const register = async (username: string, auth: Record<string, string>, name?: string) => {
    const options = await server.post('/api/passkeys/register/options/', {}, auth);
    assertStatus(options, 200);
    const answer = await server.post('/api/passkeys/register/', { ...authenticatorOf(username).create(options.json), ...(name ? { name } : {}) }, auth);
    assertStatus(answer, 201);
    return answer.json;
  };
  const signInOptions = async () => {
    const options = await server.post('/api/token/passkey/options/', {});
    assertStatus(options, 200);
    return options.json;
  };

  before(async () => {
    server = await startServer({ throttleEnabled: false, tokenFamilies: true });
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) await server.createUser(name, PASSWORD);
  });
  after(() => server.close());

  test('registration options: the creation options, user verification required, a resident key preferred, the user\'s passkeys excluded', async () => {
    const auth = await login('alice');
    const options = await server.post('/api/passkeys/register/options/', {}, auth);
    assertStatus(options, 200);
    assert.match(options.json.challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(options.json.rp, { name: 'tessera', id: 'localhost' });
    assert.equal(options.json.user.name, 'alice');
    assert.match(options.json.user.id, /^[A-Za-z0-9_-]{43}$/, 'an opaque user handle, not the id or name');
    assert.equal(options.json.timeout, 300_000);
    assert.equal(options.json.attestation, 'none');
    assert.deepEqual(options.json.authenticatorSelection, { residentKey: 'preferred', userVerification: 'required', requireResidentKey: false });
    assert.deepEqual(options.json.excludeCredentials, []);
    assert.ok(options.json.pubKeyCredParams.some((p: { alg: number }) => p.alg === -7));

    const created = await server.post('/api/passkeys/register/', { ...authenticatorOf('alice').create(options.json), name: 'Laptop' }, auth);
    assertStatus(created, 201);
    assert.deepEqual(Object.keys(created.json).sort(), ['backed_up', 'created', 'id', 'last_used', 'name', 'transports']);
    assert.equal(created.json.name, 'Laptop');
    assert.deepEqual(created.json.transports, ['internal']);
    assert.equal(created.json.last_used, null);
    assert.equal(created.json.created, new Date(server.clock.now).toISOString());

    const again = await server.post('/api/passkeys/register/options/', {}, auth);
    assert.deepEqual(again.json.excludeCredentials, [{ id: [...authenticatorOf('alice').credentials.keys()][0], type: 'public-key', transports: ['internal'] }]);
    assert.equal(again.json.user.id, options.json.user.id, 'one user handle for all of a user\'s passkeys');
    assert.notEqual(again.json.challenge, options.json.challenge);

    const list = await server.get('/api/passkeys/', auth);
    assertStatus(list, 200);
    assert.deepEqual(list.json, [created.json], 'no key material, no credential id');
    const other = await server.get('/api/passkeys/', await login('bob'));
    assert.deepEqual(other.json, [], 'each user sees their own');
  });

  test('signed-in routes need credentials (401), and adding or removing one a recent login (403 reauthentication_required)', async () => {
    for (const [method, path] of [['POST', '/api/passkeys/register/options/'], ['POST', '/api/passkeys/register/'], ['GET', '/api/passkeys/'], ['DELETE', '/api/passkeys/1/']]) {
      const answer = await server.request(method!, path!, { headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined! });
      assertStatus(answer, 401);
      assert.deepEqual(answer.json, { detail: 'Authentication credentials were not provided.' });
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    }
    const pair = await server.login('carol', PASSWORD);
    const passkey = await register('carol', pair.auth);
    const options = await server.post('/api/passkeys/register/options/', {}, pair.auth);
    server.clock.advance(601);
    const refreshed = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    const stale = bearer(refreshed.json.access);
    const STALE = { detail: 'This action needs a recent login; re-authenticate with your password.', code: 'reauthentication_required' };
    for (const answer of [
      await server.post('/api/passkeys/register/options/', {}, stale),
      await server.post('/api/passkeys/register/', authenticatorOf('carol').create(options.json), stale),
      await server.request('DELETE', `/api/passkeys/${passkey.id}/`, { headers: stale }),
    ]) {
      assertStatus(answer, 403);
      assert.deepEqual(answer.json, STALE);
    }
    assertStatus(await server.get('/api/passkeys/', stale), 200);
  });

  test('bad bodies are 400 field errors in DRF\'s shape, never a 500', async () => {
    const auth = await login('dave');
    const required = ['This field is required.'];
    for (const path of ['/api/passkeys/register/', '/api/token/passkey/']) {
      const headers = path.startsWith('/api/passkeys/') ? auth : {};
      const empty = await server.post(path, {}, headers);
      assertStatus(empty, 400);
      assert.deepEqual(empty.json, { id: required, rawId: required, type: required, response: required });
      const list = await server.post(path, [], headers);
      assertStatus(list, 400);
      assert.deepEqual(list.json, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
      const wrong = await server.post(path, { id: 'not base64url!', rawId: 'abc', type: 'password', response: 'x', clientExtensionResults: [] }, headers);
      assertStatus(wrong, 400);
      assert.deepEqual(wrong.json, {
        id: ['Enter a valid base64url value.'],
        type: ['"public-key" is the only valid credential type.'],
        response: ['Expected a dictionary of items.'],
        clientExtensionResults: ['Expected a dictionary of items.'],
      });
      const partial = await server.post(path, { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: true } }, headers);
      assertStatus(partial, 400);
      assert.deepEqual(partial.json, { response: ['clientDataJSON: Not a valid string.'] });
      const malformed = await server.request('POST', path, { body: '{"id": ', headers: { ...headers, 'content-type': 'application/json' } });
      assertStatus(malformed, 400);
    }
    const tooLong = await server.post('/api/passkeys/register/', { ...authenticatorOf('dave').create((await server.post('/api/passkeys/register/options/', {}, auth)).json), name: 'n'.repeat(201) }, auth);
    assertStatus(tooLong, 400);
    assert.deepEqual(tooLong.json, { name: ['Ensure this field has no more than 200 characters.'] });
    // Well formed, but garbage inside: the library's refusal is a 400/401 with the code.
    const garbage = { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'abc', attestationObject: 'abc', authenticatorData: 'abc', signature: 'abc' } };
    const registered = await server.post('/api/passkeys/register/', garbage, auth);
    assertStatus(registered, 400);
    assert.deepEqual(registered.json, NOT_VERIFIED);
    const signIn = await server.post('/api/token/passkey/', garbage);
    assertStatus(signIn, 401);
    assert.deepEqual(signIn.json, REFUSED_SIGN_IN);
  });

  test('a registration that does not verify is 400 passkey_not_valid: wrong origin, wrong RP ID, no user verification, a challenge used, expired or another user\'s', async () => {
    let auth = await login('erin');
    const authenticator = authenticatorOf('erin');
    const options = async () => (await server.post('/api/passkeys/register/options/', {}, auth)).json;
    const refused = async (body: unknown, who?: Record<string, string>) => {
      const answer = await server.post('/api/passkeys/register/', body, who ?? auth);
      assertStatus(answer, 400);
      assert.deepEqual(answer.json, NOT_VERIFIED);
    };
    await refused(authenticator.create(await options(), { origin: 'https://evil.example' }));
    await refused(authenticator.create(await options(), { rpId: 'evil.example' }));
    await refused(authenticator.create(await options(), { userVerified: false }));
    const once = await options();
    assertStatus(await server.post('/api/passkeys/register/', authenticator.create(once), auth), 201);
    await refused(authenticator.create(once));
    const late = await options();
    server.clock.advance(301);
    // The access token expired with the challenge: a new login, the same user.
    auth = await login('erin');
    await refused(authenticator.create(late));
    const erins = await options();
    await refused(authenticator.create(erins), await login('frank'));
    // Refused by frank, erin's challenge is used up for erin too.
    await refused(authenticator.create(erins));
    await refused(authenticator.create({ ...(await options()), challenge: 'bm90LWEtY2hhbGxlbmdlLWZyb20tdGhlLXNlcnZlcg' }));
    assert.equal((await server.get('/api/passkeys/', auth)).json.length, 1);
  });

  test('sign in with a passkey: discoverable options, the pair a login answers, a session named by device_name, auth_time now', async () => {
    const auth = await login('bob');
    await register('bob', auth, 'Phone');
    server.clock.advance(3600);
    const options = await signInOptions();
    assert.deepEqual(Object.keys(options).sort(), ['challenge', 'rpId', 'timeout', 'userVerification']);
    assert.equal(options.rpId, 'localhost');
    assert.equal(options.userVerification, 'required');
    const answer = await server.post('/api/token/passkey/', { ...authenticatorOf('bob').get(options), device_name: 'Bob\'s phone' }, { 'user-agent': 'passkey-test/1' });
    assertStatus(answer, 200);
    assert.deepEqual(Object.keys(answer.json).sort(), ['access', 'refresh']);
    const claims = decodeJwt(answer.json.access).claims;
    assert.equal(claims.auth_time, Math.floor(server.clock.now / 1000), 'a passkey sign-in is a fresh login');
    const me = await server.get('/auth/users/me/', bearer(answer.json.access));
    assert.equal(me.json.username, 'bob');
    const sessions = await server.get('/api/sessions/', bearer(answer.json.access));
    const current = sessions.json.find((s: { current: boolean }) => s.current);
    assert.equal(current.device_name, 'Bob\'s phone');
    const list = await server.get('/api/passkeys/', bearer(answer.json.access));
    assert.equal(list.json[0].last_used, new Date(server.clock.now).toISOString());
    const refreshed = await server.post('/api/token/refresh/', { refresh: answer.json.refresh });
    assertStatus(refreshed, 200);

    // Cookie mode, as at login.
    const cookie = await server.post('/api/token/passkey/', authenticatorOf('bob').get(await signInOptions()), { 'x-tessera-transport': 'cookie' });
    assertStatus(cookie, 200);
    assert.deepEqual(Object.keys(cookie.json), ['access']);
    assert.match(cookie.headers.get('set-cookie') ?? '', /__Host-tessera-refresh=/);

    await server.tessera.audit.flush();
    const events = await server.tessera.audit.list({ username: 'bob' });
    const signIns = events.filter((e) => e.detail.path === '/api/token/passkey/');
    assert.deepEqual(signIns.map((e) => e.type), ['login_succeeded', 'login_succeeded']);
    assert.equal(signIns[0]!.userId, (await server.store.users.findByUsername('bob'))!.id);
  });

  test('refused sign-ins are 401 passkey_not_valid: unknown passkey, bad signature, wrong origin, no user verification, expired challenge, a counter gone back', async () => {
    const auth = await login('alice');
    const authenticator = authenticatorOf('alice');
    const id = [...authenticator.credentials.keys()][0]!;
    const refused = async (body: unknown) => {
      const answer = await server.post('/api/token/passkey/', body);
      assertStatus(answer, 401);
      assert.deepEqual(answer.json, REFUSED_SIGN_IN);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    };
    const stranger = new SoftAuthenticator(server.settings.webauthnOrigins[0]!, 'localhost');
    stranger.create({ challenge: 'AA', rp: {}, user: { id: 'AA' } });
    await refused(stranger.get(await signInOptions()));
    const tampered = authenticator.get(await signInOptions());
    tampered.response.signature = authenticator.get(await signInOptions()).response.signature;
    await refused(tampered);
    await refused(authenticator.get(await signInOptions(), { origin: 'https://evil.example' }));
    await refused(authenticator.get(await signInOptions(), { rpId: 'evil.example' }));
    await refused(authenticator.get(await signInOptions(), { userVerified: false }));
    await refused({ ...authenticator.get(await signInOptions()), response: { ...authenticator.get(await signInOptions()).response, userHandle: 'c29tZW9uZS1lbHNl' } });
    const late = await signInOptions();
    server.clock.advance(301);
    await refused(authenticator.get(late));
    // A registration's challenge does not sign in.
    await refused(authenticator.get(await server.post('/api/passkeys/register/options/', {}, auth).then((a) => a.json)));

    assertStatus(await server.post('/api/token/passkey/', authenticator.get(await signInOptions(), { counter: 50 })), 200);
    await refused(authenticator.get(await signInOptions(), { id, counter: 49 }));
    await refused(authenticator.get(await signInOptions(), { id, counter: 50 }));
    assertStatus(await server.post('/api/token/passkey/', authenticator.get(await signInOptions(), { counter: 51 })), 200);
  });

  test('an inactive user is refused as a login is (401 no_active_account)', async () => {
    const auth = await login('frank');
    await register('frank', auth);
    const frank = await server.store.users.findByUsername('frank');
    await server.store.users.setActive(frank!.id, false);
    const answer = await server.post('/api/token/passkey/', authenticatorOf('frank').get(await signInOptions()));
    assertStatus(answer, 401);
    assert.deepEqual(answer.json, { detail: 'No active account found with the given credentials', code: 'no_active_account' });
    await server.store.users.setActive(frank!.id, true);
  });

  test('a replayed assertion signs in once; a burst of parallel uses of one challenge gives exactly one pair', async () => {
    const auth = await login('dave');
    await register('dave', auth);
    const assertion = authenticatorOf('dave').get(await signInOptions());
    const answers = await Promise.all(Array.from({ length: 12 }, () => server.post('/api/token/passkey/', assertion)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, ...Array(11).fill(401)], answers.map((a) => a.text).join('\n'));
    assert.ok(answers.filter((a) => a.status === 401).every((a) => a.json.code === NOT_VALID));
    const replayed = await server.post('/api/token/passkey/', assertion);
    assertStatus(replayed, 401);

    // One registration challenge in parallel: one passkey stored.
    const options = (await server.post('/api/passkeys/register/options/', {}, auth)).json;
    const creation = authenticatorOf('dave').create(options);
    const registrations = await Promise.all(Array.from({ length: 8 }, () => server.post('/api/passkeys/register/', creation, auth)));
    assert.deepEqual(registrations.map((a) => a.status).sort(), [201, ...Array(7).fill(400)]);
    assert.equal((await server.get('/api/passkeys/', auth)).json.length, 2);
  });

  test('remove: 204, audited; then the passkey no longer signs in; another user\'s or a made-up id is 404', async () => {
    const auth = await login('erin');
    const [passkey] = (await server.get('/api/passkeys/', auth)).json;
    assertStatus(await server.request('DELETE', `/api/passkeys/${passkey.id}/`, { headers: await login('bob') }), 404);
    assertStatus(await server.request('DELETE', '/api/passkeys/abc/', { headers: auth }), 404);
    assertStatus(await server.request('DELETE', '/api/passkeys/99999/', { headers: auth }), 404);
    const removed = await server.request('DELETE', `/api/passkeys/${passkey.id}/`, { headers: auth });
    assertStatus(removed, 204);
    assert.equal(removed.text, '');
    assert.deepEqual((await server.get('/api/passkeys/', auth)).json, []);
    const answer = await server.post('/api/token/passkey/', authenticatorOf('erin').get(await signInOptions()));
    assertStatus(answer, 401);

    await server.tessera.audit.flush();
    const events = await server.tessera.audit.list({ username: 'erin' });
    const added = events.find((e) => e.type === 'passkey_added');
    const gone = events.find((e) => e.type === 'passkey_removed');
    assert.deepEqual(added?.detail, { passkey: passkey.id, name: 'Passkey 1' });
    assert.deepEqual(gone?.detail, { passkey: passkey.id });
    assert.ok(!JSON.stringify(events).includes(authenticatorOf('erin').credentials.keys().next().value!), 'no credential id in the audit log');
  });
});
