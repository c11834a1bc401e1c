import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPasswordHashers } from '../../src/crypto/index.js';
// Type only: the ready (Fastify) server is imported when a suite starts one, so the contract
// passes on the other adapters do not load it (see example-server.ts).
import type { buildServer } from '../../src/server/index.js';
import { loadSettings, type Settings } from '../../src/settings/index.js';
import type { Tessera } from '../../src/core/index.js';
import type { Store, User } from '../../src/store/index.js';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase } from './database.js';
import { startExampleApp } from './example-server.js';

/**
 * The adapter black-box tests run against: `TESSERA_TEST_ADAPTER=express` serves the seeds' API
 * from examples/express, `=web` from examples/hono (tessera/web), `=nest` from examples/nest
 * (tessera/nest on Nest's Express platform), on the same settings and
 * database; otherwise the ready (Fastify) server. The suites in test/contract/ run on every
 * adapter; the rest need the ready server.
 */
export const TEST_ADAPTER: TestAdapter = adapterNamed(process.env.TESSERA_TEST_ADAPTER);

/** `nest-fastify` (examples/nest on Nest's Fastify platform) is run by hand, not by `npm test`. */
type TestAdapter = 'fastify' | 'express' | 'web' | 'nest' | 'nest-fastify';

function adapterNamed(name: string | undefined): TestAdapter {
  if (name === undefined || name === '' || name === 'fastify') return 'fastify';
  if (name === 'express' || name === 'web' || name === 'nest' || name === 'nest-fastify') return name;
  throw new Error(`TESSERA_TEST_ADAPTER=${name}: use fastify, express, web, nest or nest-fastify`);
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(public now = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  readonly read = () => this.now;
  advance(seconds: number): void {
    this.now += seconds * 1000;
  }
}

export const TEST_SIGNING_KEY = 'test-signing-key-that-is-long-enough-for-hs256-0123456789';

/** The seeds' user, whom most suites log in as. */
export const TEST_USER = { username: 'shoumitro', password: 'Ab12345678' } as const;

/** What a test may set on a user it creates, beyond username and password. */
export interface UserFlags {
  isActive?: boolean;
  isStaff?: boolean;
  isSuperuser?: boolean;
}

/** A logged-in user's token pair, and the Authorization header that carries the access token. */
export interface Login {
  access: string;
  refresh: string;
  auth: { authorization: string };
}

export interface TestServer {
  url: string;
  /** The ready server's Fastify instance (a test that reads it runs on the Fastify adapter only). */
  app: FastifyInstance;
  /** The core the server runs on, whichever the adapter. */
  tessera: Tessera;
  store: Store;
  settings: Settings;
  clock: TestClock;
  dir: string;
  createUser(username: string, password: string, extra?: UserFlags): Promise<User>;
  /** Logs in through POST /api/token/ (as TEST_USER unless told), failing the test (with the answer) unless it is a 200. */
  login(username?: string, password?: string): Promise<Login>;
  /** POST JSON (or the given body and content type) and parse the JSON answer. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  request(method: string, path: string, init?: { body?: string | FormData | URLSearchParams; headers?: Record<string, string> }): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  json: any;
}

/** How the server is built, beyond its settings. */
export interface StartOptions {
  customClaims?: Parameters<typeof buildServer>[0]['customClaims'];
  /** Turns the log on (at `settings.logLevel`) and sends its lines here. */
  logStream?: { write(line: string): void };
  /** The port to listen on (the ready server only); an ephemeral one by default. */
  port?: number;
}

/**
 * Starts the real server on an ephemeral port, on a database of its own: a fresh SQLite file in a
 * temporary folder, or a fresh PostgreSQL database when `TESSERA_TEST_DATABASE=postgres` (unless
 * `overrides.databaseUrl` names one).
 */
export async function startServer(overrides: Partial<Settings> = {}, options: StartOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const database = overrides.databaseUrl ? null : await createTestDatabase(dir);
  const settings = loadSettings({
    cwd: dir,
    overrides: {
      ...(database ? { databaseUrl: database.url } : {}),
      dataDir: dir,
      signingKey: TEST_SIGNING_KEY,
      logLevel: 'silent',
      ...overrides,
    },
  });
  const clock = new TestClock();
  if (TEST_ADAPTER !== 'fastify') {
    const started = await startExampleApp(TEST_ADAPTER, settings, clock.read, options).catch(async (error: unknown) => {
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    });
    return testServer(started.url, started.app, started.tessera, settings, clock, dir, async () => {
      await started.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });
  }
  let built: Awaited<ReturnType<typeof buildServer>>;
  try {
    const { logStream, port: _port, ...rest } = options;
    const { buildServer } = await import('../../src/server/index.js');
    built = await buildServer({ settings, clock: clock.read, ...(logStream ? { logger: true, logStream } : { logger: false }), ...rest });
  } catch (error) {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { app, store } = built;
  // Closing the app directly (not through `close`) still drops the PostgreSQL database.
  if (database) app.addHook('onClose', async () => database.drop());
  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return testServer(address, app, app.tessera, settings, clock, dir, async () => {
    await app.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** A server with one user already logged in: what most black-box suites start from. */
export interface SignedInServer extends Login {
  server: TestServer;
  user: User;
}

/** Who `startSignedIn` creates and logs in (TEST_USER unless told), and how the server is built. */
export interface SignInOptions extends StartOptions {
  username?: string;
  password?: string;
  extra?: UserFlags;
}

/** Starts a server (as `startServer`), creates a user (TEST_USER unless told) and logs it in. */
export async function startSignedIn(
  overrides: Partial<Settings> = {},
  { username = TEST_USER.username, password = TEST_USER.password, extra = {}, ...options }: SignInOptions = {},
): Promise<SignedInServer> {
  const server = await startServer(overrides, options);
  try {
    const user = await server.createUser(username, password, extra);
    return { server, user, ...(await server.login(username, password)) };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** The helpers every black-box test uses, over a server listening at `address`. */
function testServer(
  address: string, app: FastifyInstance, tessera: Tessera, settings: Settings, clock: TestClock, dir: string, close: () => Promise<void>,
): TestServer {
  const { store } = tessera;
  const hashers = createPasswordHashers();

  const request: TestServer['request'] = async (method, path, init = {}) => {
    const response = await fetch(`${address}${path}`, { method, body: init.body ?? null, headers: init.headers ?? {} });
    return readAnswer(response);
  };
  const post: TestServer['post'] = (path, body, headers = {}) =>
    request('POST', path, {
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });

  return {
    url: address,
    app,
    tessera,
    store,
    settings,
    clock,
    dir,
    createUser: async (username, password, extra = {}) =>
      store.users.create({ username, password: await hashers.hash(password), email: `${username}@example.com`, ...extra }),
    login: async (username = TEST_USER.username, password = TEST_USER.password) => {
      const answer = await post('/api/token/', { username, password });
      assert.equal(answer.status, 200, `logging in as ${username}: ${answer.status} ${answer.text}`);
      const { access, refresh } = answer.json as { access: string; refresh: string };
      return { access, refresh, auth: { authorization: `Bearer ${access}` } };
    },
    post,
    get: (path, headers = {}) => request('GET', path, { headers }),
    request,
    close,
  };
}

/** A fetch response as tests assert on it: status, headers, text, and JSON when it parses. */
export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Decodes a JWT's header and claims without verifying (for assertions). */
export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, claims };
}
