// Runs the test suite: `node scripts/run-tests.mjs all|sqlite|postgres [files...]`.
// `all` (what `npm test` runs) is the type check and both engines' runs, in two lanes at once (see
// LANES below); `sqlite` or `postgres` is one engine's runs, one after another, output as it comes.
// Sets TESSERA_TEST_DATABASE portably. The PostgreSQL runs are skipped, saying why, when the server
// cannot be reached, unless TESSERA_REQUIRE_SERVICES=1 (CI), which turns that into a failure.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const mode = process.argv[2];
if (mode !== 'all' && mode !== 'sqlite' && mode !== 'postgres') {
  console.error('usage: node scripts/run-tests.mjs all|sqlite|postgres [test files...]');
  process.exit(2);
}
const explicitFiles = process.argv.slice(3);
if (mode === 'all' && explicitFiles.length > 0) {
  console.error('run-tests: name an engine (sqlite or postgres) to run given files');
  process.exit(2);
}

/** `test/*\/*.test.ts`, expanded here because Node 20's test runner takes no globs. */
function testFiles() {
  const files = [];
  for (const folder of readdirSync('test').sort()) {
    const path = join('test', folder);
    if (!statSync(path).isDirectory()) continue;
    for (const file of readdirSync(path).sort()) if (file.endsWith('.test.ts')) files.push(join(path, file));
  }
  return files;
}

/** Null when PostgreSQL answers; otherwise why not (and the process exits when CI requires it). */
async function postgresUnreachable() {
  const adminUrl = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const shown = adminUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    const why = error instanceof Error ? (error.code ? `${error.code}: ${error.message}` : error.message) : String(error);
    if (process.env.TESSERA_REQUIRE_SERVICES === '1') {
      console.error(`test:postgres: PostgreSQL at ${shown} is required (TESSERA_REQUIRE_SERVICES=1) but cannot be reached (${why})`);
      process.exit(1);
    }
    return `test:postgres: skipped the PostgreSQL run: cannot reach ${shown} (${why}); set TESSERA_TEST_POSTGRES_URL or start PostgreSQL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// The CLI tests run the bundle `npm start` runs (test/support/cli-process.ts): rebuilt here from the
// sources, with the assets it reads, so they test the current code (under a second).
for (const script of ['scripts/copy-assets.mjs', 'scripts/bundle-cli.mjs']) {
  const built = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (built.status !== 0) {
    console.error(`run-tests: ${script} failed`);
    process.exit(1);
  }
}

/** A command to run: its title, argv and environment. */
function testRun(engine, files, adapter, concurrency) {
  const label = engine === 'postgres' ? 'PostgreSQL' : 'SQLite';
  return {
    title: `tests on ${label}${adapter ? `, ${adapter} adapter` : ''}`,
    argv: [process.execPath, '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files],
    env: { TESSERA_TEST_DATABASE: engine, ...(adapter ? { TESSERA_TEST_ADAPTER: adapter } : {}) },
  };
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TYPECHECK = { title: 'type check (npm run typecheck)', argv: [NPM, 'run', '--silent', 'typecheck'], env: {} };

/**
 * Runs one command; resolves to its exit status. `buffered` collects its output and prints it,
 * whole, when it ends (two lanes at once would interleave line by line otherwise).
 */
function execute({ title, argv, env }, buffered) {
  const started = Date.now();
  if (!buffered) console.log(`==> ${title}`);
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...env },
    });
    const output = [];
    if (buffered) {
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
    }
    child.on('error', (error) => output.push(Buffer.from(`run-tests: ${argv[0]}: ${error.message}\n`)));
    child.on('close', (code, signal) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      const status = code ?? 1;
      if (buffered) {
        process.stdout.write(`==> ${title}\n`);
        for (const chunk of output) process.stdout.write(chunk);
      }
      console.log(`==> ${title}: ${status === 0 ? 'passed' : `FAILED (exit ${code ?? signal})`} in ${seconds} s`);
      resolve(status);
    });
  });
}

/** Runs each lane's commands in order, the lanes at once; resolves to true when every command passed. */
async function runLanes(lanes) {
  const buffered = lanes.length > 1;
  const statuses = await Promise.all(lanes.map(async (lane) => {
    const laneStatuses = [];
    for (const command of lane) laneStatuses.push(await execute(command, buffered));
    return laneStatuses;
  }));
  return statuses.flat().every((status) => status === 0);
}

if (explicitFiles.length > 0) {
  if (mode === 'postgres') {
    const skipped = await postgresUnreachable();
    if (skipped) {
      console.log(skipped);
      process.exit(0);
    }
  }
  process.exit((await runLanes([[testRun(mode, explicitFiles, process.env.TESSERA_TEST_ADAPTER, 2)]])) ? 0 : 1);
}

const all = testFiles();
const contract = all.filter((file) => file.startsWith(join('test', 'contract')));
// Suites that open no database (crypto, settings, docs, error codes, the bench's options, the
// published types, the contract without a framework) answer the same on either engine: the
// SQLite run takes them, the PostgreSQL run leaves them out. So does the container image's test,
// which runs the image on its own SQLite volume (and must not build the image twice at once).
const ENGINE_FREE = ['crypto', 'settings', 'docs', 'errors', 'bench', 'container'].map((folder) => join('test', folder) + '/');
const ENGINE_FREE_FILES = [
  join('test', 'core', 'published-types.test.ts'), join('test', 'core', 'contract-framework-free.test.ts'), join('test', 'verify', 'no-framework.test.ts'),
  join('test', 'testing', 'production.test.ts'), join('test', 'core', 'published-package.test.ts'),
];
// The Chromium suites test what the browser does (the console, the client's tabs, the SPAs); what
// they ask the server is covered on both engines by the HTTP suites, so they too run on SQLite only.
const BROWSER_FILES = [
  join('test', 'web', 'console.test.ts'), join('test', 'web', 'console-two-factor.test.ts'), join('test', 'web', 'example-spa.test.ts'),
  join('test', 'client', 'tabs.test.ts'), join('test', 'client', 'transport-browser.test.ts'),
  join('test', 'web', 'passkeys-browser.test.ts'), join('test', 'web', 'console-email-login.test.ts'),
  join('test', 'testing', 'playwright.test.ts'),
];
const engineFree = (file) => ENGINE_FREE.some((folder) => file.startsWith(folder)) || ENGINE_FREE_FILES.includes(file) || BROWSER_FILES.includes(file);

/** Every suite on the ready (Fastify) server: all of them on SQLite, the engine-dependent ones on PostgreSQL. */
function mainRun(engine) {
  const suites = engine === 'postgres' ? all.filter((file) => !engineFree(file)) : all;
  return testRun(engine, suites, undefined, 2);
}

// The shared HTTP contract (test/contract/) on each other adapter, so every adapter answers the same
// requests the same way: Express on both engines; the Web-standard adapter (examples/hono) and
// NestJS (examples/nest, on Nest's Express platform) on SQLite only, to keep `npm test` within its
// time budget: they share the pipeline, and so the engine paths, with Express. The contract suites
// only talk HTTP to servers of their own, so several files run at once.
function contractRuns(engine, concurrency) {
  const adapters = engine === 'sqlite' ? ['express', 'web', 'nest'] : ['express'];
  return adapters.map((adapter) => testRun(engine, contract, adapter, concurrency));
}

const postgresSkipped = mode === 'sqlite' ? null : await postgresUnreachable();
if (postgresSkipped) console.log(postgresSkipped);
else if (mode !== 'sqlite') console.log(`test:postgres: ${all.length - all.filter((file) => !engineFree(file)).length} engine-free and browser suites run on SQLite only (${[...ENGINE_FREE, ...ENGINE_FREE_FILES, ...BROWSER_FILES].join(', ')})`);

let lanes;
if (mode === 'all') {
  // Three lanes at once: each main run in a lane of its own, and the type check with the contract
  // passes on the other adapters in the third. One run alone keeps only part of the two cores
  // busy (children starting, servers answering, Chromium); two lanes still left a quarter idle
  // (896 s, 1.56 cores busy on average, the PostgreSQL lane the long one). Nothing is shared
  // between the lanes but the machine: each test makes its own database, files and key prefix,
  // and the Next.js example's build (both main runs) is built once, under a lock
  // (test/support/next-build.ts).
  lanes = [
    [mainRun('sqlite')],
    ...(postgresSkipped ? [] : [[mainRun('postgres')]]),
    [TYPECHECK, ...contractRuns('sqlite', 2), ...(postgresSkipped ? [] : contractRuns('postgres', 2))],
  ];
} else if (mode === 'postgres' && postgresSkipped) {
  process.exit(0);
} else {
  lanes = [[mainRun(mode), ...contractRuns(mode, 4)]];
}
process.exit((await runLanes(lanes)) ? 0 : 1);
