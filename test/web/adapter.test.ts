import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPasswordHashers, createTessera, loadSettings, NotAuthenticated, Throttled, type Tessera } from '../../src/index.js';
import { AllowAny, Fresh, IsAdminUser, tesseraWeb, type TesseraWeb } from '../../src/web/index.js';
import { clientIpOf } from '../../src/web/client-ip.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { readAnswer, TEST_SIGNING_KEY } from '../support/server.js';

/**
 * What the Web-standard adapter adds beyond the shared contract (test/contract/ runs on it too,
 * through examples/hono): `authenticate` and `errorResponse` for an application's own routes,
 * `handle` leaving other URLs alone, bodies of a `Request` built in the same process, the client's
 * address, and a `Request` without `Host`. No server: the adapter is called as a runtime calls it.
 */
describe('tessera/web without a server', () => {
  const origin = 'http://localhost';
  let dir: string;
  let database: TestDatabase;
  let tessera: Tessera;
  let web: TesseraWeb;
  let access: string;
  const logged: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-web-'));
    database = await createTestDatabase(dir);
    const settings = loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY } });
    tessera = createTessera({ settings, logger: { info: () => undefined, warn: () => undefined, error: (message, detail) => { logged.push(`${message} ${JSON.stringify(detail)}`); } } });
    await tessera.migrate();
    const hashers = createPasswordHashers();
    await tessera.store.users.create({ username: 'shoumitro', email: 's@example.com', password: await hashers.hash('Ab12345678') });
    web = tesseraWeb(tessera);
    const login = await web.fetch(json('/api/token/', { username: 'shoumitro', password: 'Ab12345678' }));
    access = (await login.json() as { access: string }).access;
  });
  after(async () => {
    await web.close();
    await tessera.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    new Request(`${origin}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  /** `authenticate`'s refusal, as `errorResponse` answers it. */
  const refusal = async (request: Request, ...rest: Parameters<TesseraWeb['authenticate']> extends [Request, ...infer R] ? R : never) => {
    const error = await web.authenticate(request, ...rest).then(() => assert.fail('authenticate let the request through'), (e: unknown) => e);
    return readAnswer(web.errorResponse(error));
  };

  test('authenticate resolves the user and the token; its refusals are DRF\'s 401 with the challenge and the headers', async () => {
    const { user, auth } = await web.authenticate(new Request(`${origin}/api/hello/`, { headers: bearer(access) }));
    assert.equal(user?.username, 'shoumitro');
    assert.equal(auth?.payload.token_type, 'access');

    const anonymous = await refusal(new Request(`${origin}/api/hello/`));
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, { detail: 'Authentication credentials were not provided.' });
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.equal(anonymous.headers.get('x-frame-options'), 'DENY');
    assert.equal(anonymous.headers.get('content-length'), String(anonymous.text.length));

    const forged = await refusal(new Request(`${origin}/api/hello/`, { headers: bearer(`${access.slice(0, -4)}AAAA`) }));
    assert.equal(forged.status, 401);
    assert.equal(forged.json.code, 'token_not_valid');
  });

  test('authenticate applies the permission: 403 for IsAdminUser, an anonymous user for AllowAny', async () => {
    const staff = await refusal(new Request(`${origin}/api/staff/`, { headers: bearer(access) }), IsAdminUser);
    assert.equal(staff.status, 403);
    assert.deepEqual(staff.json, { detail: 'You do not have permission to perform this action.' });
    assert.equal(staff.headers.get('www-authenticate'), null);
    assert.deepEqual(await web.authenticate(new Request(`${origin}/api/public/`), AllowAny), { user: null, auth: null });
  });

  test('authenticate(request, Fresh(3600)): a login this hour passes; a two-hour-old one is 403 reauthentication_required', async () => {
    const { user } = await web.authenticate(new Request(`${origin}/api/recent/`, { headers: bearer(access) }), Fresh(3600));
    assert.equal(user?.username, 'shoumitro');
    const { codec, settings } = tessera.tokenContext;
    const claims = codec.decode(access);
    const stale = codec.encode({ ...claims, [settings.jtiClaim]: 'c'.repeat(32), auth_time: Number(claims.auth_time) - 7200 });
    const refused = await refusal(new Request(`${origin}/api/recent/`, { headers: bearer(stale) }), Fresh(3600));
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.json, { detail: 'This action needs a recent login; re-authenticate with your password.', code: 'reauthentication_required' });
  });

  test('errorResponse: DRF\'s answers for coded errors, a fixed 500 (logged, never sent) for the rest', async () => {
    const throttled = await readAnswer(web.errorResponse(new Throttled(30)));
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '30');
    assert.equal((await readAnswer(web.errorResponse(new NotAuthenticated()))).headers.get('www-authenticate'), 'Bearer realm="api"');

    const broken = await readAnswer(web.errorResponse(new Error('a secret detail /etc/passwd')));
    assert.equal(broken.status, 500);
    assert.deepEqual(broken.json, { detail: 'A server error occurred.' });
    assert.doesNotMatch(broken.text, /passwd/);
    assert.match(logged.at(-1)!, /passwd/);
  });

  test('handle answers only tessera\'s views; fetch answers DRF\'s 404 for the rest', async () => {
    assert.equal(await web.handle(new Request(`${origin}/api/hello/`)), null);
    const verify = await web.handle(json('/api/token/verify/', { token: access }));
    assert.equal(verify?.status, 200);
    const missing = await readAnswer(await web.fetch(new Request(`${origin}/api/hello/`)));
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { detail: 'Not found.' });
    assert.equal(missing.headers.get('referrer-policy'), 'same-origin');
  });

  test('bodies of a Request built in the process: a form, multipart FormData, malformed JSON, and HEAD with no body', async () => {
    const credentials = { username: 'shoumitro', password: 'Ab12345678' };
    const form = await web.fetch(new Request(`${origin}/api/token/`, { method: 'POST', body: new URLSearchParams(credentials) }));
    assert.equal(form.status, 200);
    const multipart = new FormData();
    for (const [name, value] of Object.entries(credentials)) multipart.append(name, value);
    assert.equal((await web.fetch(new Request(`${origin}/api/token/`, { method: 'POST', body: multipart }))).status, 200);

    const malformed = await readAnswer(await web.fetch(new Request(`${origin}/api/token/`, {
      method: 'POST', body: '{"username": ', headers: { 'content-type': 'application/json' },
    })));
    assert.equal(malformed.status, 400);
    assert.match(malformed.json.detail, /^JSON parse error - /);

    // A body the application read first: the view cannot have it, and the log says why.
    const read = json('/api/token/', credentials);
    await read.text();
    await assert.rejects(web.fetch(read), /body of POST http:\/\/localhost\/api\/token\/ was read before tessera's view/);

    const head = await web.fetch(new Request(`${origin}/api/token/`, { method: 'HEAD' }));
    assert.equal(head.status, 405);
    assert.equal(await head.text(), '');
    assert.ok(Number(head.headers.get('content-length')) > 0);
  });

  test('a Request without Host is checked against allowedHosts by its URL\'s host', async () => {
    const local = await web.fetch(json('/api/token/verify/', { token: access }));
    assert.equal(local.status, 200);
    const elsewhere = await readAnswer(await web.fetch(new Request('http://evil.example/api/token/verify/', {
      method: 'POST', body: JSON.stringify({ token: access }), headers: { 'content-type': 'application/json' },
    })));
    assert.equal(elsewhere.status, 400);
    assert.deepEqual(elsewhere.json, { detail: 'Bad Request' });
  });

  test('the audit log has the address the runtime reports; X-Forwarded-For only through a proxy the app trusts', async () => {
    const spoofed = { 'x-forwarded-for': '203.0.113.9' };
    await web.fetch(json('/api/token/', { username: 'shoumitro', password: 'wrong' }, spoofed), { ip: '192.0.2.1' });
    const proxied = tesseraWeb(tessera, { trustProxy: 1 });
    await proxied.fetch(json('/api/token/', { username: 'shoumitro', password: 'wrong' }, spoofed), { ip: '10.0.0.2' });
    await proxied.close();
    await tessera.audit.flush();
    const ips = (await tessera.audit.list({ type: 'login_failed' })).map((event) => event.ip).sort();
    assert.deepEqual(ips, ['192.0.2.1', '203.0.113.9']);
  });
});

describe('clientIpOf', () => {
  const request = (forwarded?: string) => new Request('http://localhost/', forwarded ? { headers: { 'x-forwarded-for': forwarded } } : {});

  test('trusts as many hops as told, counting back from the peer; never more addresses than there are', () => {
    const chain = request('198.51.100.7, 10.0.0.1');
    assert.equal(clientIpOf(chain, '10.0.0.2', {}), '10.0.0.2');
    assert.equal(clientIpOf(chain, '10.0.0.2', { trustProxy: 1 }), '10.0.0.1');
    assert.equal(clientIpOf(chain, '10.0.0.2', { trustProxy: 2 }), '198.51.100.7');
    assert.equal(clientIpOf(chain, '10.0.0.2', { trustProxy: true }), '198.51.100.7');
    assert.equal(clientIpOf(request(), '10.0.0.2', { trustProxy: true }), '10.0.0.2');
    assert.equal(clientIpOf(request(), undefined, {}), '');
  });

  test('getClientIp alone decides when given', () => {
    const vercel = new Request('http://localhost/', { headers: { 'x-real-ip': '192.0.2.44', 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(clientIpOf(vercel, '10.0.0.2', { getClientIp: (r) => r.headers.get('x-real-ip') ?? undefined, trustProxy: true }), '192.0.2.44');
  });
});
