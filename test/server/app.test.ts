import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildServer } from '../../src/server/index.js';
import { pinoDestinationOf } from '../../src/server/access-log.js';
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

/** The raw log lines of one GET, one refused POST and an authenticated GET with a query string, at `logLevel`. */
async function rawRequestLog(logLevel: 'info' | 'debug' | 'warn'): Promise<{ lines: string[]; access: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-app-'));
  const database = await createTestDatabase(dir);
  const settings = loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, logLevel } });
  const lines: string[] = [];
  const { app } = await buildServer({ settings, logStream: { write: (line) => void lines.push(line) } });
  try {
    await app.ready();
    const user = await app.tessera.users.create({ username: 'logged', email: 'l@example.com', password: 'Ab12345678-log' });
    const { access } = await app.tessera.tokens.obtainPair({ username: 'logged', password: 'Ab12345678-log' });
    assert.equal((await app.inject({ method: 'GET', url: '/health/' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/api/token/', payload: { username: 'nobody', password: 'x' } })).statusCode, 401);
    const mine = await app.inject({ method: 'GET', url: '/api/user/?password=hunter2', headers: { authorization: `Bearer ${access}` } });
    assert.equal(mine.statusCode, 200);
    assert.equal(mine.json().id, user.id);
    return { lines: lines.filter((line) => line.includes('"reqId"')), access };
  } finally {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function requestLog(logLevel: 'info' | 'debug' | 'warn'): Promise<Record<string, any>[]> {
  return (await rawRequestLog(logLevel)).lines.map((line) => JSON.parse(line) as Record<string, any>);
}

test('at info each request is one line, as Django logs it: method, URL without its query, status, time and user', async () => {
  const { lines, access } = await rawRequestLog('info');
  const entries = lines.map((line) => JSON.parse(line) as Record<string, any>);
  assert.deepEqual(entries.map((e) => e.msg), ['request completed', 'request completed', 'request completed']);
  assert.deepEqual(entries.map((e) => [e.req.method, e.req.url, e.res.statusCode, e.userId]), [
    ['GET', '/health/', 200, undefined], ['POST', '/api/token/', 401, undefined], ['GET', '/api/user/', 200, 1],
  ]);
  for (const entry of entries) {
    assert.equal(typeof entry.responseTime, 'number');
    assert.equal(entry.level, 30);
    assert.equal(entry.pid, process.pid);
    assert.equal(typeof entry.time, 'number');
    assert.match(entry.reqId, /^req-/);
    assert.equal(entry.req.host, 'localhost:80');
    assert.equal(entry.req.remoteAddress, '127.0.0.1');
  }
  // pino's field order, so that a line reads as every other line of the log does.
  assert.match(lines[2]!, /^\{"level":30,"time":\d+,"pid":\d+,"hostname":"[^"]*","reqId":"req-\w+","req":\{"method":"GET","url":"\/api\/user\/","host":"localhost:80","remoteAddress":"127.0.0.1"(,"remotePort":\d+)?\},"res":\{"statusCode":200\},"responseTime":[\d.e-]+,"userId":1,"msg":"request completed"\}\n$/);
  const log = lines.join('');
  assert.ok(!log.includes('hunter2'), 'the query string is not logged');
  assert.ok(!log.includes(access.split('.')[2]!), 'nor the token');
});

test('the access log finds pino\'s destination (else it would go through pino, slower)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-app-'));
  const database = await createTestDatabase(dir);
  const settings = loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY } });
  const stream = { write: (_line: string) => undefined };
  const { app } = await buildServer({ settings, logStream: stream });
  try {
    assert.equal(pinoDestinationOf(app.log), stream);
  } finally {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('at debug each request is also logged as it arrives; at warn requests are not logged', async () => {
  const debug = await requestLog('debug');
  assert.deepEqual(debug.map((e) => e.msg), ['incoming request', 'request completed', 'incoming request', 'request completed', 'incoming request', 'request completed']);
  assert.ok(debug.every((e) => e.req === undefined || !e.req.url.includes('hunter2')), 'no query string at debug either');
  assert.deepEqual(await requestLog('warn'), []);
});
