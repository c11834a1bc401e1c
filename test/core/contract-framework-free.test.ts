import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONTRACT = join(ROOT, 'src/contract');
const FRAMEWORK = /^(fastify|fastify-plugin|express|hono|next)$|^@nestjs\/|^@fastify\/(?!busboy$)/;
// The contract sits below the adapters: it never reaches into one.
const ADAPTER = /(^|\/)(http|express|web|nest|server)\//;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

test('no file under src/contract imports a web framework or an adapter', () => {
  const files = sourceFiles(CONTRACT);
  assert.ok(files.some((file) => file.endsWith('views/admin-views.ts')), 'the views are under src/contract/views');
  const offending = files.flatMap((file) =>
    importsOf(readFileSync(file, 'utf8'))
      .filter((specifier) => FRAMEWORK.test(specifier) || (specifier.startsWith('.') && ADAPTER.test(join(relative(ROOT, file), '..', specifier))))
      .map((specifier) => `${relative(ROOT, file)} imports ${specifier}`));
  assert.deepEqual(offending, []);
});

test('the import check sees what it looks for', () => {
  assert.deepEqual(importsOf(`import type { FastifyInstance } from 'fastify';\nexport * from '../http/plugin.js';\nawait import('express');`),
    ['fastify', '../http/plugin.js', 'express']);
  assert.ok(FRAMEWORK.test('@fastify/static'));
  assert.ok(!FRAMEWORK.test('@fastify/busboy'));
  assert.ok(ADAPTER.test(join('src/contract/views', '..', '../http/plugin.js')));
});

test('with every web framework absent, the contract\'s views answer plain requests on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-contract-'));
  const script = `
    const { createTessera, loadSettings } = await import('./src/index.ts');
    const contract = await import('./src/contract/index.ts');
    const dir = process.env.TESSERA_TEST_DIR;
    const tessera = createTessera({ settings: loadSettings({ cwd: dir, overrides: {
      databaseUrl: 'sqlite:' + dir + '/db.sqlite3', dataDir: dir, signingKey: 'contract-test-signing-key-0123456789abcdef',
      authTokenClasses: ['access', 'sliding'], emailUrl: 'console',
    } }) });
    await tessera.migrate();
    const staff = await tessera.users.create({ username: 'staff', password: 'tessera-pass-42', isStaff: true, isSuperuser: true });
    const factories = {
      token: contract.tokenViews(tessera), sliding: contract.slidingViews(tessera), drfJwt: contract.drfJwtViews(tessera, { obtain: ['/api-token-auth/'] }),
      authToken: contract.authTokenViews(tessera), session: contract.sessionViews(tessera), keys: contract.keyViews(tessera),
      tokenSessions: contract.tokenSessionViews(tessera), admin: contract.adminViews(tessera), accounts: contract.accountViews(tessera, { prefix: '/auth' }),
    };
    const find = (views, method, url) => views.find((view) => [view.method].flat().includes(method) && view.url === url);
    const call = async (view, init = {}) => {
      const reply = { code: 200, headers: [], status(code) { this.code = code; }, header(name, value) { this.headers.push([name, value]); } };
      const request = { method: [view.method].flat()[0], url: view.url, headers: {}, ip: '127.0.0.1', protocol: 'http', host: 'testserver',
        params: {}, data: undefined, user: null, auth: null, ...init };
      try {
        const body = await view.handle(request, reply);
        return { status: reply.code, headers: reply.headers, body };
      } catch (error) {
        return { error: error.code };
      }
    };
    const out = { counts: Object.fromEntries(Object.entries(factories).map(([name, views]) => [name, views.length])) };
    out.duplicates = Object.entries(factories).flatMap(([name, views]) => {
      const keys = views.flatMap((view) => [view.method].flat().map((method) => method + ' ' + view.url));
      return keys.filter((key, i) => keys.indexOf(key) !== i).map((key) => name + ': ' + key);
    });
    const login = { username: 'staff', password: 'tessera-pass-42' };
    out.obtain = Object.keys((await call(find(factories.token, 'POST', '/api/token/'), { data: login })).body).sort();
    out.sliding = Object.keys((await call(find(factories.sliding, 'POST', '/api/token/sliding/'), { data: login })).body);
    // The CSRF check reads a form's token from \`data\`: the plain request here has no raw body.
    const csrf = await call(find(factories.session, 'GET', '/api-auth/csrf/'));
    const cookie = csrf.headers[0][1].split(';')[0];
    const sessionLogin = await call(find(factories.session, 'POST', '/api-auth/login/'), {
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, data: { ...login, csrfmiddlewaretoken: csrf.body.csrfToken },
    });
    out.sessionLogin = { body: sessionLogin.body, cookies: sessionLogin.headers.map(([name, value]) => name + ' ' + value.split('=')[0]) };
    out.sessionLoginWithoutToken = await call(find(factories.session, 'POST', '/api-auth/login/'), {
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, data: login,
    });
    const users = await call(find(factories.admin, 'GET', '/api/admin/users/'), { url: '/api/admin/users/?search=sta', user: staff });
    out.adminUsers = { count: users.body.count, names: users.body.results.map((user) => user.username) };
    out.adminRoot = (await call(find(factories.admin, 'GET', '/api/admin/'), { user: staff })).body.users;
    out.adminBadId = await call(find(factories.admin, 'GET', '/api/admin/users/:id/'), { user: staff, params: { id: 'x' } });
    out.endSession = await call(find(factories.tokenSessions, 'DELETE', '/api/sessions/:id/'), { user: staff, params: { id: '999' } });
    out.setUsername = await call(find(factories.accounts, 'POST', '/auth/users/set_username/'), {
      user: staff, data: { current_password: 'tessera-pass-42', new_username: 'chief' },
    });
    out.jwks = await call(find(factories.keys, 'GET', '/.well-known/jwks.json'));
    await tessera.close();
    console.log(JSON.stringify(out));
  `;
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', join(ROOT, 'test/fixtures/forbid-frameworks.mjs'), '--input-type=module', '-e', script], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, TESSERA_TEST_DIR: dir }, timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(out.counts, { token: 4, sliding: 2, drfJwt: 1, authToken: 1, session: 3, keys: 3, tokenSessions: 3, admin: 10, accounts: 15 });
    assert.deepEqual(out.duplicates, []);
    assert.deepEqual(out.obtain, ['access', 'refresh']);
    assert.deepEqual(out.sliding, ['token']);
    assert.deepEqual(out.sessionLogin, { body: { detail: 'Logged in.' }, cookies: ['set-cookie sessionid', 'set-cookie csrftoken'] });
    assert.deepEqual(out.sessionLoginWithoutToken, { error: 'permission_denied' });
    assert.deepEqual(out.adminUsers, { count: 1, names: ['staff'] });
    assert.equal(out.adminRoot, 'http://testserver/api/admin/users/');
    assert.deepEqual(out.adminBadId, { error: 'not_found' });
    assert.deepEqual(out.endSession, { error: 'not_found' });
    // A view's 204: the status set on the reply, no body.
    assert.deepEqual(out.setUsername, { status: 204, headers: [] });
    assert.deepEqual(out.jwks, { status: 200, headers: [['cache-control', 'public, max-age=60']], body: { keys: [] } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
