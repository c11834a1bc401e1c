/**
 * Django's groups and permissions in tessera (`tessera.permissions`), the `roles`/`permissions`
 * claims (`permissionClaims`), and `HasPermission` / `ModelPermissions` on an application's own
 * routes on Fastify and Express, on the run's engine (SQLite or PostgreSQL).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { createTessera, HasPermission, ModelPermissions, type Tessera, type User } from '../../src/index.js';
import { tessera as tesseraPlugin, HasPermission as FastifyHasPermission } from '../../src/http/index.js';
import { HasPermission as ExpressHasPermission, ModelPermissions as ExpressModelPermissions, tesseraExpress, type TesseraExpress } from '../../src/express/index.js';
import { PermissionNameError } from '../../src/store/index.js';
import { openTestCore, type TestCore } from '../support/core.js';
import { decodeJwt, readAnswer } from '../support/server.js';

const DENIED = { detail: 'You do not have permission to perform this action.' };
const PASSWORD = 'perm-pass-1234';

describe('tessera.permissions: Django\'s has_perm rules', () => {
  let core: TestCore;
  let users: Record<'editor' | 'writer' | 'plain' | 'root' | 'sleeper', User>;

  before(async () => {
    core = await openTestCore({}, 'permissions');
    const { tessera } = core;
    const make = (username: string, flags: Partial<User> = {}) => tessera.users.create({ username, password: PASSWORD, ...flags });
    users = {
      editor: await make('editor'), writer: await make('writer'), plain: await make('plain'),
      root: await make('root', { isSuperuser: true, isStaff: true }), sleeper: await make('sleeper', { isActive: false }),
    };
    await tessera.permissions.createGroup('editors', ['notes.change_note', 'notes.view_note']);
    await tessera.permissions.addToGroup(users.editor.id, 'editors');
    await tessera.permissions.addToGroup(users.sleeper.id, 'editors');
    await tessera.permissions.grant(users.editor.id, 'notes.add_note');
    await tessera.permissions.grant(users.writer.id, 'notes.add_note');
  });
  after(() => core.close());

  test('a user\'s permissions are their own and their groups\'; an active superuser has all, an inactive user none', async () => {
    const { permissions } = core.tessera;
    assert.deepEqual(await permissions.permissionsOf(users.editor), ['notes.add_note', 'notes.change_note', 'notes.view_note']);
    assert.deepEqual(await permissions.userPermissionsOf(users.editor.id), ['notes.add_note']);
    assert.deepEqual(await permissions.groupsOf(users.editor.id), ['editors']);
    assert.deepEqual(await permissions.permissionsOf(users.writer), ['notes.add_note']);
    assert.deepEqual(await permissions.permissionsOf(users.plain), []);
    assert.deepEqual(await permissions.permissionsOf(users.sleeper), [], 'inactive: none, though in editors');
    assert.deepEqual(await permissions.permissionsOf(users.root), ['notes.add_note', 'notes.change_note', 'notes.view_note']);
    assert.equal(await permissions.hasPermission(users.root, 'billing.never_created'), true, 'a superuser has even an unknown one');
    assert.equal(await permissions.hasPermission(users.editor, 'notes.change_note'), true);
    assert.equal(await permissions.hasPermission(users.writer, 'notes.change_note'), false);
    assert.deepEqual(await permissions.claimsOf(users.editor), { roles: ['editors'], permissions: ['notes.add_note', 'notes.change_note', 'notes.view_note'] });
  });

  test('grant, revoke, groups: each change says whether it did something, and a group\'s permission outlives a revoke', async () => {
    const { permissions } = core.tessera;
    assert.equal(await permissions.grant(users.plain.id, 'notes.view_note'), true);
    assert.equal(await permissions.grant(users.plain.id, 'notes.view_note'), false);
    assert.equal(await permissions.revoke(users.plain.id, 'notes.view_note'), true);
    assert.equal(await permissions.revoke(users.plain.id, 'notes.view_note'), false);
    assert.equal(await permissions.revoke(users.editor.id, 'notes.change_note'), false, 'given by a group, not directly');
    assert.equal(await permissions.hasPermission(users.editor, 'notes.change_note'), true);

    await permissions.createGroup('auditors');
    assert.equal(await permissions.grantToGroup('auditors', 'audit.view_event'), true);
    assert.equal(await permissions.addToGroup(users.plain.id, 'auditors'), true);
    assert.deepEqual(await permissions.permissionsOf(users.plain), ['audit.view_event']);
    assert.equal(await permissions.revokeFromGroup('auditors', 'audit.view_event'), true);
    assert.deepEqual(await permissions.permissionsOf(users.plain), []);
    assert.equal(await permissions.removeFromGroup(users.plain.id, 'auditors'), true);
    assert.equal(await permissions.deleteGroup('auditors'), true);
    assert.equal(await permissions.deleteGroup('auditors'), false);
    const names = (await permissions.listGroups()).map((g) => [g.name, g.permissions]);
    assert.deepEqual(names, [['editors', ['notes.change_note', 'notes.view_note']]]);
    const created = await permissions.createPermission('notes.publish_note');
    assert.equal(created.name, 'publish_note');
    assert.equal((await permissions.createPermission('notes.delete_note')).name, 'Can delete note');

    await core.tessera.audit.flush();
    const events = await core.tessera.audit.list({ type: 'permissions_changed' });
    assert.ok(events.some((e) => e.detail.action === 'permission_granted' && e.detail.permission === 'notes.view_note' && e.userId === users.plain.id));
    assert.ok(events.some((e) => e.detail.action === 'group_deleted' && e.detail.group === 'auditors'));
  });

  test('names that are not app_label.codename, unknown users and unknown groups are refused with a code', async () => {
    const { permissions } = core.tessera;
    for (const bad of ['change_note', '.change_note', 'notes.', 'no tes.change', '']) {
      await assert.rejects(permissions.grant(users.plain.id, bad), (e) => e instanceof PermissionNameError && e.code === 'invalid_permission', bad);
    }
    await assert.rejects(permissions.grant(999_999, 'notes.view_note'), (e: Error & { code?: string }) => e.code === 'not_found');
    await assert.rejects(permissions.grantToGroup('nobody', 'notes.view_note'), (e: Error & { code?: string }) => e.code === 'not_found');
    await assert.rejects(permissions.createGroup(' padded '), PermissionNameError);
    assert.throws(() => HasPermission(), TypeError);
    assert.throws(() => HasPermission('change_note'), /app_label\.codename/);
    assert.throws(() => ModelPermissions('note'), /app_label\.model/);
  });

  test('a burst of the same grant (and the same new group) makes one row each; exactly one call reports the change', async () => {
    const { permissions } = core.tessera;
    const grants = await Promise.all(Array.from({ length: 20 }, () => permissions.grant(users.writer.id, 'notes.burst_note')));
    assert.equal(grants.filter(Boolean).length, 1);
    const joins = await Promise.all(Array.from({ length: 20 }, () => permissions.addToGroup(users.writer.id, 'burst')));
    assert.equal(joins.filter(Boolean).length, 1);
    assert.deepEqual(await permissions.groupsOf(users.writer.id), ['burst']);
    const rows = await core.tessera.store.database.db.selectFrom('auth_permission').select('id').where('codename', '=', 'burst_note').execute();
    assert.equal(rows.length, 1);
  });

  test('a deleted user takes their links along (foreign keys cascade)', async () => {
    const { tessera } = core;
    const gone = await tessera.users.create({ username: 'gone', password: PASSWORD });
    await tessera.permissions.grant(gone.id, 'notes.view_note');
    await tessera.permissions.addToGroup(gone.id, 'editors');
    await tessera.permissions.setFields(gone.id, { department: 'Sales' });
    await tessera.store.database.db.deleteFrom('auth_user').where('id', '=', gone.id).execute();
    for (const table of ['auth_user_groups', 'auth_user_user_permissions', 'tessera_user_fields'] as const) {
      const left = await tessera.store.database.db.selectFrom(table).select('user_id').where('user_id', '=', gone.id).execute();
      assert.deepEqual(left, [], table);
    }
  });
});

/** One adapter's application: the same routes, on Fastify or Express. */
interface App {
  url: string;
  close(): Promise<void>;
}

async function fastifyApp(core: Tessera): Promise<App> {
  const app: FastifyInstance = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  await app.register(tesseraPlugin, { tessera: core });
  app.get('/notes/edit/', { config: { permission: FastifyHasPermission('notes.change_note') } }, async (request) => ({ ok: request.user!.username }));
  app.get('/notes/edit-and-add/', { config: { permission: FastifyHasPermission('notes.change_note', 'notes.add_note') } }, async () => ({ ok: true }));
  app.get('/notes/', { config: { permission: ModelPermissions('notes.note') } }, async () => ({ ok: 'read' }));
  app.post('/notes/', { config: { permission: ModelPermissions('notes.note') } }, async () => ({ ok: 'added' }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

async function expressApp(core: Tessera): Promise<App> {
  const auth: TesseraExpress = tesseraExpress(core);
  const app = express();
  app.use(auth.router);
  app.get('/notes/edit/', auth.authenticate(ExpressHasPermission('notes.change_note')), (request, response) => { response.json({ ok: request.user!.username }); });
  app.get('/notes/edit-and-add/', auth.authenticate(ExpressHasPermission('notes.change_note', 'notes.add_note')), (_request, response) => { response.json({ ok: true }); });
  app.get('/notes/', auth.authenticate(ExpressModelPermissions('notes.note')), (_request, response) => { response.json({ ok: 'read' }); });
  app.post('/notes/', auth.authenticate(ExpressModelPermissions('notes.note')), (_request, response) => { response.json({ ok: 'added' }); });
  app.use(auth.notFound);
  app.use(auth.errors);
  const server: Server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await auth.close();
    },
  };
}

for (const [adapter, build] of [['Fastify', fastifyApp], ['Express', expressApp]] as const) {
  describe(`HasPermission on ${adapter}`, () => {
    let core: TestCore;
    /** The same database with permissionClaims on: tokens carry roles and permissions. */
    let withClaims: Tessera;
    let plainApp: App;
    let claimsApp: App;
    let editor: User;

    before(async () => {
      core = await openTestCore({}, `has-permission-${adapter.toLowerCase()}`);
      const { tessera } = core;
      editor = await tessera.users.create({ username: 'editor', password: PASSWORD });
      await tessera.users.create({ username: 'plain', password: PASSWORD });
      await tessera.users.create({ username: 'root', password: PASSWORD, isSuperuser: true });
      await tessera.permissions.createGroup('editors', ['notes.change_note']);
      await tessera.permissions.addToGroup(editor.id, 'editors');
      withClaims = createTessera({ settings: { ...core.settings, permissionClaims: true }, clock: core.clock.read });
      await withClaims.ready();
      plainApp = await build(tessera);
      claimsApp = await build(withClaims);
    });
    after(async () => {
      await plainApp.close();
      await claimsApp.close();
      await withClaims.close();
      await core.close();
    });

    const call = async (app: App, path: string, access?: string, method = 'GET') =>
      readAnswer(await fetch(`${app.url}${path}`, { method, headers: access ? { authorization: `Bearer ${access}` } : {} }));
    const login = async (tessera: Tessera, username: string) => tessera.tokens.obtainPair({ username, password: PASSWORD });

    test('without permissionClaims: tokens are Simple JWT\'s, and the database answers', async () => {
      const { access } = await login(core.tessera, 'editor');
      const { claims } = decodeJwt(access);
      assert.equal('permissions' in claims, false);
      assert.equal('roles' in claims, false);
      assert.deepEqual((await call(plainApp, '/notes/edit/', access)).json, { ok: 'editor' });
      const both = await call(plainApp, '/notes/edit-and-add/', access);
      assert.equal(both.status, 403);
      assert.deepEqual(both.json, DENIED);

      const plain = (await login(core.tessera, 'plain')).access;
      const refused = await call(plainApp, '/notes/edit/', plain);
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.json, DENIED);
      const root = (await login(core.tessera, 'root')).access;
      assert.equal((await call(plainApp, '/notes/edit-and-add/', root)).status, 200, 'a superuser has every permission');

      const anonymous = await call(plainApp, '/notes/edit/');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="api"');

      // The database is read on each request: a grant shows at once, with the same token.
      await core.tessera.permissions.grant(editor.id, 'notes.add_note');
      assert.equal((await call(plainApp, '/notes/edit-and-add/', access)).status, 200);
      await core.tessera.permissions.revoke(editor.id, 'notes.add_note');
      assert.equal((await call(plainApp, '/notes/edit-and-add/', access)).status, 403);
    });

    test('with permissionClaims: access tokens carry roles and permissions, read afresh at each refresh; the route reads the claim', async () => {
      const pair = await login(withClaims, 'editor');
      const { claims } = decodeJwt(pair.access);
      assert.deepEqual({ roles: claims.roles, permissions: claims.permissions }, { roles: ['editors'], permissions: ['notes.change_note'] });
      assert.equal('permissions' in decodeJwt(pair.refresh).claims, false, 'the refresh token carries none');
      assert.equal((await call(claimsApp, '/notes/edit/', pair.access)).status, 200);
      assert.equal((await call(claimsApp, '/notes/edit-and-add/', pair.access)).status, 403);

      await withClaims.permissions.grant(editor.id, 'notes.add_note');
      // The token's claim is what the route reads: the grant is not in it yet...
      assert.equal((await call(claimsApp, '/notes/edit-and-add/', pair.access)).status, 403);
      // ...and a refresh's new access token has it.
      const refreshed = await withClaims.tokens.refresh(pair.refresh);
      assert.deepEqual(decodeJwt(refreshed.access).claims.permissions, ['notes.add_note', 'notes.change_note']);
      assert.equal((await call(claimsApp, '/notes/edit-and-add/', refreshed.access)).status, 200);
      await withClaims.permissions.revoke(editor.id, 'notes.add_note');

      // A signed token's claim is trusted as it is: one forged without the key is refused first.
      const forged = `${pair.access.slice(0, pair.access.lastIndexOf('.'))}.${'A'.repeat(43)}`;
      assert.equal((await call(claimsApp, '/notes/edit/', forged)).status, 401);
    });

    test('ModelPermissions: reading needs a login only; POST needs notes.add_note', async () => {
      const plain = (await login(core.tessera, 'plain')).access;
      assert.deepEqual((await call(plainApp, '/notes/', plain)).json, { ok: 'read' });
      const post = await call(plainApp, '/notes/', plain, 'POST');
      assert.equal(post.status, 403);
      assert.deepEqual(post.json, DENIED);
      assert.equal((await call(plainApp, '/notes/')).status, 401);
      const plainUser = (await core.tessera.store.users.findByUsername('plain'))!;
      await core.tessera.permissions.grant(plainUser.id, 'notes.add_note');
      assert.deepEqual((await call(plainApp, '/notes/', plain, 'POST')).json, { ok: 'added' });
    });
  });
}
