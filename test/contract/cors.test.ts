import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadSettings } from '../../src/settings/index.js';
import { startServer, type Answer, type TestServer } from '../support/server.js';

const APP = 'http://localhost:5173';
const PREFLIGHT = { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' };

function corsHeaders(answer: Answer): Record<string, string> {
  return Object.fromEntries([...answer.headers].filter(([name]) => name.startsWith('access-control-')));
}

describe('CORS is off by default: no Access-Control-* header to any origin', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('a request from a page and a preflight are answered as without CORS', async () => {
    const login = await server.post('/api/token/', { username: 'x', password: 'y' }, { origin: APP });
    assert.deepEqual(corsHeaders(login), {});
    assert.equal(login.headers.get('vary'), 'Accept');
    const preflight = await server.request('OPTIONS', '/api/token/', { headers: PREFLIGHT });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.json.name, 'Token Obtain Pair', 'DRF\'s OPTIONS metadata, not a preflight answer');
    assert.deepEqual(corsHeaders(preflight), {});
  });
});

describe('corsAllowedOrigins (django-cors-headers\' CORS_ALLOWED_ORIGINS, credentials allowed)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ corsAllowedOrigins: [APP] });
    await server.createUser('shoumitro', 'Ab12345678');
  });
  after(() => server.close());

  test('a listed origin gets its own origin back with credentials, on successes and refusals alike', async () => {
    const login = await server.post('/api/token/', { username: 'shoumitro', password: 'Ab12345678' }, { origin: APP });
    assert.equal(login.status, 200);
    assert.deepEqual(corsHeaders(login), { 'access-control-allow-origin': APP, 'access-control-allow-credentials': 'true' });
    assert.equal(login.headers.get('vary'), 'Accept, Origin');
    const refused = await server.get('/api/user/', { origin: APP });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), APP, 'the page can read why it was refused');
    const missing = await server.get('/no/such/page/', { origin: APP });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('access-control-allow-origin'), APP);
  });

  test('another origin, or none, gets no Access-Control-* header (but Vary: Origin)', async () => {
    const other = await server.post('/api/token/', { username: 'x', password: 'y' }, { origin: 'https://evil.example' });
    assert.deepEqual(corsHeaders(other), {});
    assert.equal(other.headers.get('vary'), 'Accept, Origin');
    assert.deepEqual(corsHeaders(await server.get('/api/user/')), {});
  });

  test('a preflight is answered before any view: 200, empty, the allowed headers and methods, cached a day', async () => {
    for (const path of ['/api/token/', '/api/user/', '/studentapi/1/', '/no/such/page/']) {
      const preflight = await server.request('OPTIONS', path, { headers: PREFLIGHT });
      assert.equal(preflight.status, 200, path);
      assert.equal(preflight.text, '', path);
      const headers = corsHeaders(preflight);
      assert.equal(headers['access-control-allow-origin'], APP, path);
      assert.equal(headers['access-control-allow-credentials'], 'true');
      assert.match(headers['access-control-allow-headers']!, /\bauthorization\b.*\bcontent-type\b/);
      assert.equal(headers['access-control-allow-methods'], 'DELETE, GET, OPTIONS, PATCH, POST, PUT');
      assert.equal(headers['access-control-max-age'], '86400');
      assert.equal(preflight.headers.get('x-content-type-options'), 'nosniff');
    }
    const foreign = await server.request('OPTIONS', '/api/token/', { headers: { ...PREFLIGHT, origin: 'https://evil.example' } });
    assert.equal(foreign.status, 200);
    assert.deepEqual(corsHeaders(foreign), {});
    // OPTIONS without the preflight's header is DRF's metadata, as before.
    const metadata = await server.request('OPTIONS', '/api/token/', { headers: { origin: APP } });
    assert.equal(metadata.json.name, 'Token Obtain Pair');
  });

  test('the setting takes origins only: a path, a trailing slash or a bare host is a one-line error', () => {
    const load = (value: string) => loadSettings({ env: { TESSERA_CORS_ALLOWED_ORIGINS: value } }).corsAllowedOrigins;
    assert.deepEqual(load('https://app.example.com, http://localhost:5173'), ['https://app.example.com', 'http://localhost:5173']);
    assert.throws(() => load('https://app.example.com/'), /TESSERA_CORS_ALLOWED_ORIGINS.*no path or trailing slash/);
    assert.throws(() => load('app.example.com'), /TESSERA_CORS_ALLOWED_ORIGINS.*is not an origin/);
    assert.throws(() => load('ftp://files.example.com'), /TESSERA_CORS_ALLOWED_ORIGINS.*http or https/);
  });
});
