import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Controller, Get, NotFoundException, UseGuards, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { loadSettings, type Tessera } from '../../src/index.js';
import { AllowAny, Fresh, IsAdminUser, IsAuthenticated, PermissionClasses, RequirePermissions, TESSERA, TesseraAuthGuard, TesseraModule, TesseraNotFoundFilter, User } from '../../src/nest/index.js';
import { createNestApp, MeController, type NestPlatform } from '../../examples/nest/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { readAnswer, TEST_SIGNING_KEY, TEST_USER, type Answer } from '../support/server.js';

/** Routes beside the example's, for what it does not show: a permission's 403, and `AllowAny` under a guarded controller. */
@Controller('api')
@UseGuards(TesseraAuthGuard)
@PermissionClasses(IsAdminUser)
class StaffController {
  @Get('staff/')
  staff(): { staff: boolean } {
    return { staff: true };
  }

  @Get('cats/')
  @PermissionClasses(AllowAny)
  cats(): never {
    throw new NotFoundException('No such cat');
  }

  @Get('recent/')
  @PermissionClasses(IsAuthenticated, Fresh(60))
  recent(): { fresh: boolean } {
    return { fresh: true };
  }

  @Get('notes/edit/')
  @RequirePermissions('notes.change_note')
  editNotes(): { edit: boolean } {
    return { edit: true };
  }

  @Get('anyone/')
  @PermissionClasses(AllowAny)
  anyone(@User() user: User | undefined): { username: string | null } {
    return { username: user?.username ?? null };
  }
}

/**
 * tessera/nest as a client sees it, on both of Nest's platforms: the module made from settings
 * (so it migrates and closes the core), the token views, the example's guarded controller
 * (`/api/me/`, with `@User()`) and the routes above. The example itself (examples/nest/, its
 * core made by the application) takes the whole HTTP contract: TESSERA_TEST_ADAPTER=nest.
 */
for (const platform of ['express', 'fastify'] satisfies NestPlatform[]) {
  describe(`tessera/nest on Nest's ${platform} platform`, () => {
    let dir: string;
    let database: TestDatabase;
    let app: INestApplication | undefined;
    let tessera: Tessera;
    let url: string;
    let closed = false;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), `tessera-nest-${platform}-`));
      database = await createTestDatabase(dir);
      const settings = loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY } });
      const module = { module: class NestTestModule {}, imports: [TesseraModule.forRoot({ settings, tokenRoutes: { obtain: ['/api/token/', '/gettoken/'] } })], controllers: [MeController, StaffController], providers: [{ provide: APP_FILTER, useClass: TesseraNotFoundFilter }] };
      app = await createNestApp(module, platform, { logger: false });
      await app.listen(0, '127.0.0.1');
      url = await app.getUrl();
      tessera = app.get<Tessera>(TESSERA);
      await tessera.users.create({ username: TEST_USER.username, email: 's@example.com', password: TEST_USER.password });
    });
    after(async () => {
      if (app && !closed) await app.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const request = async (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
      readAnswer(await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const login = async (): Promise<string> => {
      const answer = await request('POST', '/api/token/', { 'content-type': 'application/json' }, JSON.stringify(TEST_USER));
      assert.equal(answer.status, 200, answer.text);
      assert.equal(typeof answer.json.refresh, 'string');
      return answer.json.access as string;
    };

    test('logs in through /api/token/; /api/me/ answers who the access token is for', async () => {
      const access = await login();
      const user = await request('GET', '/api/me/', bearer(access));
      assert.equal(user.status, 200, user.text);
      assert.deepEqual(user.json, { id: (await tessera.store.users.findByUsername(TEST_USER.username))!.id, username: TEST_USER.username });
    });

    test('/api/me/ without a token, or with a forged one: DRF\'s 401 with the challenge and the security headers', async () => {
      const anonymous = await request('GET', '/api/me/');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.text, '{"detail":"Authentication credentials were not provided."}');
      assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"');
      assert.equal(anonymous.headers.get('content-type'), 'application/json');
      assert.equal(anonymous.headers.get('x-frame-options'), 'DENY');
      assert.equal(anonymous.headers.get('x-powered-by'), null);
      const access = await login();
      const forged = await request('GET', '/api/me/', bearer(`${access.slice(0, -4)}AAAA`));
      assert.equal(forged.status, 401);
      assert.equal(forged.json.code, 'token_not_valid');
      assert.equal(forged.headers.get('www-authenticate'), 'Bearer realm="api"');
    });

    test('a controller\'s own answer is Nest\'s, not the contract\'s (docs/nest.md says so): write a view for DRF\'s bytes', async () => {
      const me = await request('GET', '/api/me/', bearer(await login()));
      assert.equal(me.status, 200);
      // Nest serializes with the platform's JSON: a charset, and none of the contract's headers.
      assert.equal(me.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(me.headers.get('x-frame-options'), null);
      assert.equal(me.headers.get('allow'), null);
      assert.equal(me.headers.get('x-powered-by'), platform === 'express' ? 'Express' : null);
      // The guard's refusal, by contrast, is the contract's (the filter writes it).
      const refused = await request('GET', '/api/me/');
      assert.deepEqual([refused.headers.get('content-type'), refused.headers.get('x-frame-options')], ['application/json', 'DENY']);
    });

    test('@PermissionClasses: IsAdminUser refuses with 403; AllowAny lets the anonymous through, not a bad token', async () => {
      const access = await login();
      const staff = await request('GET', '/api/staff/', bearer(access));
      assert.equal(staff.status, 403);
      assert.equal(staff.text, '{"detail":"You do not have permission to perform this action."}');
      assert.equal(staff.headers.get('www-authenticate'), null);
      assert.deepEqual((await request('GET', '/api/anyone/')).json, { username: null });
      assert.deepEqual((await request('GET', '/api/anyone/', bearer(access))).json, { username: TEST_USER.username });
      assert.equal((await request('GET', '/api/anyone/', bearer('not.a.token'))).status, 401);
    });

    test('@PermissionClasses(IsAuthenticated, Fresh(60)): a login just now passes; an hour-old one, or none recorded, is 403 reauthentication_required', async () => {
      const access = await login();
      assert.deepEqual((await request('GET', '/api/recent/', bearer(access))).json, { fresh: true });
      const { codec, settings } = tessera.tokenContext;
      const user = await tessera.store.users.findByUsername(TEST_USER.username);
      const now = Math.floor(Date.now() / 1000);
      const claims = { [settings.tokenTypeClaim]: 'access', exp: now + 300, iat: now, [settings.jtiClaim]: 'a'.repeat(32), [settings.userIdClaim]: user!.id };
      for (const token of [codec.encode({ ...claims, auth_time: now - 3600 }), codec.encode(claims)]) {
        const stale = await request('GET', '/api/recent/', bearer(token));
        assert.equal(stale.status, 403, stale.text);
        assert.equal(stale.text, '{"detail":"This action needs a recent login; re-authenticate with your password.","code":"reauthentication_required"}');
      }
      assert.equal((await request('GET', '/api/recent/')).status, 401, 'anonymous: IsAuthenticated\'s 401 first');
    });

    test('@RequirePermissions(\'notes.change_note\'): Django\'s permission, from a group, stands for the controller\'s IsAdminUser; else DRF\'s 403', async () => {
      const access = await login();
      const refused = await request('GET', '/api/notes/edit/', bearer(access));
      assert.equal(refused.status, 403);
      assert.equal(refused.text, '{"detail":"You do not have permission to perform this action."}');
      assert.equal((await request('GET', '/api/notes/edit/')).status, 401);
      const user = (await tessera.store.users.findByUsername(TEST_USER.username))!;
      await tessera.permissions.createGroup('editors', ['notes.change_note']);
      await tessera.permissions.addToGroup(user.id, 'editors');
      assert.deepEqual((await request('GET', '/api/notes/edit/', bearer(access))).json, { edit: true });
      await tessera.permissions.removeFromGroup(user.id, 'editors');
    });

    test('a token view answers as the contract: 405 with Allow, and its own parse error ahead of Nest\'s body parser', async () => {
      const get = await request('GET', '/api/token/');
      assert.equal(get.status, 405);
      assert.equal(get.text, '{"detail":"Method \\"GET\\" not allowed."}');
      assert.equal(get.headers.get('allow'), 'POST, OPTIONS');
      assert.equal(get.headers.get('x-content-type-options'), 'nosniff');
      const malformed = await request('POST', '/gettoken/', { 'content-type': 'application/json' }, '{"username": ');
      assert.equal(malformed.status, 400);
      assert.equal(malformed.text, '{"detail":"JSON parse error - Expecting value: line 1 column 14 (char 13)"}');
    });

    test('TesseraNotFoundFilter: a URL no route serves is DRF\'s 404; a handler\'s own NotFoundException stays Nest\'s', async () => {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const nope = await request(method, '/nope/?x=1');
        assert.equal(nope.status, 404, method);
        assert.equal(nope.text, '{"detail":"Not found."}');
        assert.equal(nope.headers.get('content-type'), 'application/json');
        assert.equal(nope.headers.get('x-frame-options'), 'DENY');
        assert.equal(nope.headers.get('allow'), null);
      }
      const cat = await request('GET', '/api/cats/');
      assert.equal(cat.status, 404);
      assert.deepEqual(cat.json, { message: 'No such cat', error: 'Not Found', statusCode: 404 });
    });

    test('closing the application closes the core the module made', async () => {
      await app!.close();
      closed = true;
      await assert.rejects(tessera.store.users.findByUsername(TEST_USER.username));
    });
  });
}
