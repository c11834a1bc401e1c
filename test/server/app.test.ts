import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildServer } from '../../src/server/index.js';
import { loadSettings } from '../../src/settings/index.js';
import { createTestDatabase } from '../support/database.js';
import { TEST_SIGNING_KEY } from '../support/server.js';

// The server loads Fastify's schema compilers on first use; a route its user adds with a schema
// must validate exactly as on a plain Fastify app (header names case-insensitive, bodies checked).
test('a route added to the built app validates its schema as Fastify does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-app-'));
  const database = await createTestDatabase(dir);
  const settings = loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY } });
  const { app } = await buildServer({ settings, logger: false });
  try {
    app.post('/checked/', {
      config: { authentication: [], name: 'Checked' },
      schema: {
        headers: { type: 'object', properties: { 'X-Client': { type: 'string', minLength: 2 } }, required: ['X-Client'] },
        body: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
      },
    }, async (request) => ({ n: (request.body as { n: number }).n }));
    await app.ready();
    const ok = await app.inject({ method: 'POST', url: '/checked/', headers: { 'x-client': 'cli' }, payload: { n: 3 } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { n: 3 });
    const noHeader = await app.inject({ method: 'POST', url: '/checked/', payload: { n: 3 } });
    assert.equal(noHeader.statusCode, 400);
    const badBody = await app.inject({ method: 'POST', url: '/checked/', headers: { 'x-client': 'cli' }, payload: { n: 'three' } });
    assert.equal(badBody.statusCode, 400);
  } finally {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The log lines of one GET and one refused POST, at `logLevel`. */
async function requestLog(logLevel: 'info' | 'debug' | 'warn'): Promise<Record<string, any>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-app-'));
  const database = await createTestDatabase(dir);
  const settings = loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, logLevel } });
  const lines: string[] = [];
  const { app } = await buildServer({ settings, logStream: { write: (line) => void lines.push(line) } });
  try {
    assert.equal((await app.inject({ method: 'GET', url: '/health/' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/api/token/', payload: { username: 'nobody', password: 'x' } })).statusCode, 401);
  } finally {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines.map((line) => JSON.parse(line) as Record<string, any>).filter((entry) => entry.reqId !== undefined);
}

test('at info each request is one line, as Django logs it: method, URL, status and time', async () => {
  const entries = await requestLog('info');
  assert.deepEqual(entries.map((e) => e.msg), ['request completed', 'request completed']);
  assert.deepEqual(entries.map((e) => [e.req.method, e.req.url, e.res.statusCode]), [['GET', '/health/', 200], ['POST', '/api/token/', 401]]);
  for (const entry of entries) assert.equal(typeof entry.responseTime, 'number');
});

test('at debug each request is also logged as it arrives; at warn requests are not logged', async () => {
  const debug = await requestLog('debug');
  assert.deepEqual(debug.map((e) => e.msg), ['incoming request', 'request completed', 'incoming request', 'request completed']);
  assert.deepEqual(await requestLog('warn'), []);
});
