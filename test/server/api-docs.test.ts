import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const noBrowser = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

type Operation = {
  requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }> };
  responses: Record<string, { $ref?: string; description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };

/** Every route Fastify holds, from `printRoutes`' tree: the full path of each node and its methods. */
function registeredRoutes(app: FastifyInstance): Array<{ method: string; path: string }> {
  const routes: Array<{ method: string; path: string }> = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const depth = (at - 1) / 4;
    const node = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.slice(at + 3));
    const path = (depth === 0 ? '' : prefixes[depth - 1] ?? '') + (node?.[1] ?? '');
    prefixes[depth] = path;
    for (const method of node?.[2]?.split(', ') ?? []) routes.push({ method, path });
  }
  return routes;
}

/** A Fastify pattern as OpenAPI spells it, without the trailing slash the router ignores anyway. */
const asOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/(.)\/$/, '$1');

describe('API docs: /openapi.json and /docs/', () => {
  let server: TestServer;
  let document: Document;

  before(async () => {
    server = await startServer({ authenticationClasses: ['jwt', 'session', 'token'] });
    const answer = await server.get('/openapi.json');
    assert.equal(answer.status, 200);
    document = answer.json as Document;
  });
  after(async () => server?.close());

  test('/openapi.json is a valid OpenAPI 3.1 document', async () => {
    assert.equal(document.openapi, '3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document);
    assert.equal(validator.version, '3.1');
    assert.deepEqual(result.errors, undefined);
    assert.equal(result.valid, true);
  });

  test('every route the server registers is in paths with its method, except HEAD and the docs\' own', () => {
    const documented = new Map(Object.entries(document.paths).map(([path, item]) => [asOpenApiPath(path), item]));
    // printRoutes shows a wildcard without its static part: those are checked by name below.
    const routes = registeredRoutes(server.app).filter(({ method, path }) =>
      method !== 'HEAD' && method !== 'OPTIONS' && !path.includes('*') && !/^\/(docs|openapi\.json|console)(\/|$)/.test(path));
    assert.ok(routes.length > 50, `found ${routes.length} routes`);
    const missing: string[] = [];
    for (const { method, path } of routes) {
      if (!documented.get(asOpenApiPath(path))?.[method.toLowerCase()]) missing.push(`${method} ${path}`);
    }
    assert.deepEqual(missing, []);
    // The activation link's token is a wildcard (a JWT is longer than a router parameter).
    assert.ok(server.app.hasRoute({ method: 'GET', url: '/api-activate/*' }));
    assert.deepEqual(document.paths['/api-activate/{token}/']?.get?.parameters?.map((p) => p.name), ['token']);
    assert.ok(!Object.keys(document.paths).some((path) => path.startsWith('/docs') || path === '/openapi.json'));
  });

  test('token obtain documents its body fields from the field specs, and its 200, 400 and 401', () => {
    const obtain = document.paths['/api/token/']?.post;
    assert.ok(obtain);
    const json = obtain.requestBody?.content['application/json']?.schema;
    assert.deepEqual(Object.keys(json?.properties ?? {}), ['username', 'password', 'device_name']);
    assert.deepEqual(json?.required, ['username', 'password']);
    assert.deepEqual(json?.properties.device_name, { type: 'string', minLength: 1, maxLength: 200 });
    assert.ok(obtain.requestBody?.content['application/x-www-form-urlencoded'], 'forms are documented too');
    // The pair, or for a user with a second factor the challenge to answer at /api/token/2fa/.
    const [ok, challenge] = (obtain.responses['200']?.content?.['application/json']?.schema as { oneOf: { properties: object }[] }).oneOf;
    assert.deepEqual(Object.keys(ok!.properties), ['refresh', 'access']);
    assert.deepEqual(Object.keys(challenge!.properties), ['challenge', 'methods', 'expires_in']);
    assert.equal(obtain.responses['400']?.$ref, '#/components/responses/ValidationError');
    assert.match(obtain.responses['401']?.description ?? '', /no_active_account/);
    assert.ok(obtain.responses['401']?.headers?.['WWW-Authenticate'], 'a 401 carries the challenge');
    assert.deepEqual(obtain.security, [], 'no authentication on the token views');
    assert.equal(obtain.responses['429']?.$ref, '#/components/responses/Throttled');
  });

  test('fresh login: the re-authentication view, and the 403 reauthentication_required on every route freshLoginMaxAge covers', () => {
    const reauth = document.paths['/api/token/reauthenticate/']?.post;
    assert.ok(reauth);
    // The password, or a TOTP code for a user with a second factor.
    assert.deepEqual(Object.keys(reauth.requestBody?.content['application/json']?.schema.properties ?? {}), ['password', 'code']);
    assert.match(reauth.responses['400']?.description ?? '', /Invalid password/);
    assert.match(reauth.responses['400']?.description ?? '', /Invalid code/);
    assert.equal(reauth.responses['429']?.$ref, '#/components/responses/Throttled');
    const covered = [
      ['/auth/users/set_password/', 'post'], ['/auth/users/me/', 'put'], ['/auth/users/me/', 'patch'], ['/auth/users/me/', 'delete'],
      ['/api/sessions/{id}/', 'delete'], ['/api/sessions/logout-all/', 'post'],
    ] as const;
    for (const [path, method] of covered) {
      assert.match(document.paths[path]?.[method]?.responses['403']?.description ?? '', /reauthentication_required/, `${method} ${path}`);
    }
    const listing = document.paths['/api/sessions/']?.get;
    assert.ok(listing);
    assert.equal(listing.responses['403']?.$ref, '#/components/responses/Forbidden', 'listing is not covered');
  });

  test('security and the shared errors follow each route\'s authentication classes and permission', () => {
    const user = document.paths['/api/user/']?.get;
    assert.deepEqual(user?.security, [{ bearerAuth: [] }, { cookieAuth: [] }, { tokenAuth: [] }]);
    assert.equal(user?.responses['401']?.$ref, '#/components/responses/Unauthorized');
    assert.equal(user?.responses['403']?.$ref, '#/components/responses/Forbidden');
    // AllowAny still authenticates what is sent: credentials are optional.
    assert.deepEqual(document.paths['/auth/users/reset_password/']?.post?.security?.[0], {});
    // IsAuthenticatedOrReadOnly with seed 003's drf-jwt + Simple JWT classes.
    assert.deepEqual(document.paths['/tasks/']?.get?.security, [{}, { bearerAuth: [] }, { drfJwtAuth: [] }]);
    assert.deepEqual(document.paths['/tasks/']?.post?.security, [{ bearerAuth: [] }, { drfJwtAuth: [] }]);
    const task = document.paths['/tasks/{id}/']?.patch;
    assert.equal(task?.responses['404']?.$ref, '#/components/responses/NotFound');
    assert.deepEqual(task?.parameters?.map((p) => `${p.in}:${p.name}`), ['path:id']);
    assert.equal(task?.requestBody?.content['application/json']?.schema.required, undefined, 'PATCH is partial');
    // A staff list: IsAdminUser, paginated, with its filter.
    const staffUsers = document.paths['/api/admin/users/']?.get;
    assert.deepEqual(staffUsers?.security, [{ bearerAuth: [] }, { cookieAuth: [] }, { tokenAuth: [] }]);
    assert.deepEqual(staffUsers?.parameters?.map((p) => `${p.in}:${p.name}`), ['query:search', 'query:page']);
    assert.ok(staffUsers?.responses['404']?.content, 'an invalid page is 404');
    const throttled = document.components.responses?.Throttled as { headers: Record<string, unknown> };
    assert.ok(throttled.headers['Retry-After']);
    const unauthorized = document.components.responses?.Unauthorized as { headers: Record<string, unknown> };
    assert.ok(unauthorized.headers['WWW-Authenticate']);
    assert.deepEqual(Object.keys(document.components.securitySchemes ?? {}).sort(), ['bearerAuth', 'cookieAuth', 'drfJwtAuth', 'tokenAuth']);
    assert.deepEqual(document.components.securitySchemes?.bearerAuth, {
      type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from `POST /api/token/`.',
    });
  });

  test('/docs/ answers HTML whose scripts and stylesheets load from this server', async () => {
    const page = await server.get('/docs/', { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 4, `assets: ${assets.join(', ')}`);
    assert.ok(assets.every((asset) => !/^(https?:)?\/\//.test(asset)), 'no CDN');
    for (const asset of assets) {
      const response = await fetch(new URL(asset, `${server.url}/docs/`), { headers: { accept: '*/*' } });
      assert.equal(response.status, 200, asset);
      const type = response.headers.get('content-type') ?? '';
      if (asset.endsWith('.js')) assert.match(type, /javascript/, asset);
      if (asset.endsWith('.css')) assert.match(type, /text\/css/, asset);
      await response.arrayBuffer();
    }
    // The viewer reads the same document.
    const viewerCopy = await server.get('/docs/json');
    assert.deepEqual(viewerCopy.json, document);
    const missing = await server.get('/docs/static/no-such-file.js');
    assert.equal(missing.status, 404);
  });

  test('other configurations document what they serve: cookie mode, sliding tokens, every class', async () => {
    const other = await startServer({
      authCookies: 'both', authTokenClasses: ['access', 'sliding'], authenticationClasses: ['jwt', 'basic', 'session', 'token', 'drf-jwt'],
    });
    try {
      const spec = (await other.get('/openapi.json')).json as Document;
      const result = await new Validator().validate(spec);
      assert.equal(result.valid, true, JSON.stringify(result.errors));
      // In cookie mode the refresh token may come from its cookie: the body field is optional.
      const refresh = spec.paths['/api/token/refresh/']?.post?.requestBody?.content['application/json']?.schema;
      assert.deepEqual(Object.keys(refresh?.properties ?? {}), ['refresh']);
      assert.equal(refresh?.required, undefined);
      assert.ok(spec.paths['/api/token/sliding/']?.post);
      assert.ok(spec.paths['/api-auth/login/']?.post, 'session login, with the session class on');
      assert.deepEqual(spec.paths['/api/user/']?.get?.security?.map((s) => Object.keys(s)[0]),
        ['bearerAuth', 'accessCookieAuth', 'basicAuth', 'cookieAuth', 'tokenAuth', 'drfJwtAuth']);
      // Basic authentication is a login: throttled.
      assert.equal(spec.paths['/api/user/']?.get?.responses['429']?.$ref, '#/components/responses/Throttled');
    } finally {
      await other.close();
    }
  });

  test('with apiDocs: false neither the document nor the viewer exists', async () => {
    const off = await startServer({ apiDocs: false });
    try {
      assert.equal((await off.get('/openapi.json')).status, 404);
      assert.equal((await off.get('/docs/')).status, 404);
      assert.equal((await off.get('/docs/static/swagger-ui.css')).status, 404);
    } finally {
      await off.close();
    }
  });
});

describe('API docs in a real browser (Debian chromium)', { skip: noBrowser }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('"Try it out" on GET /api/user/ answers 200 after Authorize with a Bearer token', async () => {
    await server.createUser('shoumitro', 'Ab12345678');
    const { access } = await server.login();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('requestfailed', (request) => problems.push(`${request.url()} failed`));
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().includes('/api/user/')) problems.push(`${response.url()} ${response.status()}`);
    });
    await page.goto(`${server.url}/docs/`);
    const operation = page.locator('.opblock').filter({ has: page.locator('[data-path="/api/user/"]') });
    await operation.first().waitFor({ timeout: 30_000 });

    await page.locator('button.authorize').first().click();
    await page.locator('.auth-container').filter({ hasText: 'bearerAuth' }).locator('input').fill(access);
    await page.locator('.auth-btn-wrapper button.authorize').first().click();
    await page.locator('button.btn-done').first().click();

    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    const sent = page.waitForRequest((request) => request.url().endsWith('/api/user/'));
    await operation.locator('button.execute').click();
    const request = await sent;
    assert.equal(request.headers().authorization, `Bearer ${access}`);
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    assert.equal((await status.textContent())?.trim(), '200');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
