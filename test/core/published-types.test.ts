import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { installConsumer } from '../support/consumer.js';

// The published declarations (dist/**/*.d.ts), type-checked as a project that installed tessera
// sees them: strict, skipLibCheck off, NodeNext, with tessera's production dependencies and
// @types/node only. A dev-only type package (@types/better-sqlite3) reached from a public
// declaration, or a type a newer @types/node lacks, fails here. Needs a built dist (`npm run build`).

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));

/** tsc over `file` with a strict NodeNext project's settings: its exit status and what it printed. */
function typeCheck(dir: string, file: string): { status: number | null; output: string } {
  const config = `tsconfig.${file}.json`;
  writeFileSync(join(dir, config), JSON.stringify({
    compilerOptions: {
      strict: true, skipLibCheck: false, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true,
      // The packages are links into this checkout's node_modules: without this, tsc follows each to
      // its real folder and looks up from there, where the devDependencies are installed too.
      preserveSymlinks: true,
    },
    files: [file],
  }));
  const run = spawnSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', join(dir, config), '--pretty', 'false'], {
    cwd: dir, encoding: 'utf8', timeout: 240_000, // a hang guard: tsc over every entry point took over 60 s on a loaded 2-core machine
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}${run.error ? String(run.error) : ''}` };
}

/** Uses every entry point a project imports, and the core's types the way an application does. */
const CONSUMER = `
import {
  AccessToken, createTessera, IsAuthenticated, loadSettings, RefreshToken, TesseraError, TokenError, ValidationError,
  type MigrationSet, type Permission, type Tessera, type TokenPair, type User,
} from 'tessera';
import { tessera as plugin, type TesseraPluginOptions } from 'tessera/fastify';
import { buildServer } from 'tessera/server';
import { charField, defineView, tesseraExpress, validate, type TesseraExpress } from 'tessera/express';
import { IsAdminUser, tesseraWeb } from 'tessera/web';
import { PermissionClasses, TESSERA, TesseraModule, type TesseraModuleOptions } from 'tessera/nest';
import { memoryStorage, TesseraClient } from 'tessera/client';
import { attachTessera } from 'tessera/client/axios';
import { createVerifier, InvalidToken as VerifyRefusal, type Claims, type Verifier } from 'tessera/verify';
import { loginAs, mintAccess, testClock, testTessera, type InjectTarget, type Login, type StorageState, type TestTessera } from 'tessera/testing';

const notes: MigrationSet = {
  owner: 'notes',
  migrations: { '0001_notes': { up: async (db) => { await db.schema.createTable('notes').addColumn('id', 'integer').execute(); } } },
};

export async function signIn(core: Tessera, username: string, password: string): Promise<TokenPair> {
  await core.migrate(notes);
  const pair = await core.tokens.obtainPair({ username, password });
  const access = await AccessToken.fromString(core.tokenContext, pair.access);
  const claim: unknown = access.get(core.settings.userIdClaim);
  if (claim === undefined) throw new ValidationError({ token: ['no user id'] });
  const authenticated = await core.authenticate({ method: 'GET', headers: { authorization: 'Bearer ' + pair.access } });
  const user: User | undefined = authenticated?.user;
  if (user) await core.sessions.endAll(user.id);
  return pair;
}

export async function accessFor(core: Tessera, user: User): Promise<string> {
  const refresh = await RefreshToken.forUser(core.tokenContext, user);
  return refresh.accessToken.toString();
}

export function codeOf(error: unknown): string | null {
  if (error instanceof TokenError) return error.code;
  return error instanceof TesseraError ? error.code : null;
}

export const permission: Permission = IsAuthenticated;

const nameFields = { name: charField({ maxLength: 50 }) };
export function expressAdapter(core: Tessera): TesseraExpress {
  const view = defineView({ method: 'POST', url: '/notes/', config: { permission }, handle: (request) => validate(request.data, nameFields) });
  return tesseraExpress(core, { views: [view] });
}
export async function webAdapter(core: Tessera, request: Request): Promise<Response> {
  const web = tesseraWeb(core, { trustProxy: 1 });
  const answer = await web.handle(request, { ip: '192.0.2.1' });
  if (answer) return answer;
  try {
    const { user } = await web.authenticate(request, IsAdminUser);
    return Response.json({ username: user?.username ?? null });
  } catch (error) {
    return web.errorResponse(error);
  }
}
export const nestOptions = (core: Tessera): TesseraModuleOptions => ({ tessera: core, tokenRoutes: { obtain: ['/api/token/'] } });
export const nestModule = (core: Tessera) => ({ module: TesseraModule.forRoot(nestOptions(core)), token: TESSERA, staffOnly: PermissionClasses(permission) });
export const options: TesseraPluginOptions = { tessera: createTessera({ settings: loadSettings({ env: process.env }) }) };
export { plugin };
export const server = () => buildServer({ settings: loadSettings({ env: process.env }), logger: false });
export const client = new TesseraClient({ baseUrl: 'https://api.example.com', storage: memoryStorage() });
export const detach = (instance: Parameters<typeof attachTessera>[0]) => attachTessera(instance, client);
export const verifier: Verifier = createVerifier({ issuerUrl: 'https://auth.example.com', revocationsToken: 'secret', algorithms: ['ES256'], pollInterval: 5000 });
export async function testKit(app: InjectTarget): Promise<[Login, StorageState, string]> {
  const kit: TestTessera = await testTessera({ tokenFamilies: true }, { clock: testClock('2030-01-01T00:00:00Z') });
  const ann = await kit.createUser({ username: 'ann', password: 'ann-pass-1234', isStaff: true });
  kit.clock.advance(60);
  const state: StorageState = await kit.loginAs({ baseURL: 'http://127.0.0.1:8000' }, ann);
  return [await loginAs(app, ann, { tessera: kit.tessera }), state, await mintAccess(kit.settings, { id: 1, username: 'bob' }, { expiresIn: 60 })];
}
export async function userOf(token: string): Promise<number | null> {
  try {
    const claims: Claims = await verifier.verify(token);
    return typeof claims.user_id === 'number' ? claims.user_id : null;
  } catch (error) {
    if (error instanceof VerifyRefusal && error.code === 'token_not_valid') return null;
    throw error;
  }
}
`;

test('the published types compile in a strict NodeNext project with only the production dependencies and @types/node', () => {
  assert.ok(existsSync(join(ROOT, 'dist/index.d.ts')), 'no dist/index.d.ts: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-consumer-'));
  try {
    installConsumer(dir);
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
    const consumer = typeCheck(dir, 'consumer.ts');
    assert.equal(consumer.status, 0, `tsc refused the published types:\n${consumer.output}`);

    // The project really lacks what only tessera's development has: a dev-only type package is not found.
    writeFileSync(join(dir, 'probe.ts'), `import type SQLite from 'better-sqlite3';\nexport type Handle = SQLite.Database;\n`);
    const probe = typeCheck(dir, 'probe.ts');
    assert.notEqual(probe.status, 0, 'the consumer found @types/better-sqlite3: it is not isolated from the devDependencies');
    assert.match(probe.output, /better-sqlite3/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
