// Runs the test suite on one engine: `node scripts/run-tests.mjs sqlite|postgres [files...]`.
// Sets TESSERA_TEST_DATABASE portably. The PostgreSQL run is skipped, saying why, when the server
// cannot be reached, unless TESSERA_REQUIRE_SERVICES=1 (CI), which turns that into a failure.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const engine = process.argv[2];
if (engine !== 'sqlite' && engine !== 'postgres') {
  console.error('usage: node scripts/run-tests.mjs sqlite|postgres [test files...]');
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

if (engine === 'postgres') {
  const adminUrl = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const shown = adminUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const why = error instanceof Error ? (error.code ? `${error.code}: ${error.message}` : error.message) : String(error);
    if (process.env.TESSERA_REQUIRE_SERVICES === '1') {
      console.error(`test:postgres: PostgreSQL at ${shown} is required (TESSERA_REQUIRE_SERVICES=1) but cannot be reached (${why})`);
      process.exit(1);
    }
    console.log(`test:postgres: skipped the PostgreSQL run: cannot reach ${shown} (${why}); set TESSERA_TEST_POSTGRES_URL or start PostgreSQL`);
    process.exit(0);
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

/** Runs `files` under node:test with this engine (and adapter, for the contract suites); the exit status. */
function run(files, adapter, concurrency = 2) {
  const label = engine === 'postgres' ? 'PostgreSQL' : 'SQLite';
  console.log(`==> tests on ${label}${adapter ? `, ${adapter} adapter` : ''}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], {
    stdio: 'inherit',
    env: { ...process.env, TESSERA_TEST_DATABASE: engine, ...(adapter ? { TESSERA_TEST_ADAPTER: adapter } : {}) },
  });
  return result.status ?? 1;
}

if (process.argv.length > 3) process.exit(run(process.argv.slice(3), process.env.TESSERA_TEST_ADAPTER));
// Every suite on the ready (Fastify) server, then the shared HTTP contract (test/contract/) on
// each other adapter, so every adapter answers the same requests the same way.
const all = testFiles();
const contract = all.filter((file) => file.startsWith(join('test', 'contract')));
// Suites that open no database (crypto, settings, docs, error codes, the bench's options, the
// published types, the contract without a framework) answer the same on either engine: the
// SQLite run takes them, the PostgreSQL run leaves them out.
const ENGINE_FREE = ['crypto', 'settings', 'docs', 'errors', 'bench'].map((folder) => join('test', folder) + '/');
const ENGINE_FREE_FILES = [
  join('test', 'core', 'published-types.test.ts'), join('test', 'core', 'contract-framework-free.test.ts'), join('test', 'verify', 'no-framework.test.ts'),
];
// The Chromium suites test what the browser does (the console, the client's tabs, the SPAs); what
// they ask the server is covered on both engines by the HTTP suites, so they too run on SQLite only.
const BROWSER_FILES = [
  join('test', 'web', 'console.test.ts'), join('test', 'web', 'example-spa.test.ts'),
  join('test', 'client', 'tabs.test.ts'), join('test', 'client', 'transport-browser.test.ts'),
  join('test', 'web', 'passkeys-browser.test.ts'),
];
const engineFree = (file) => ENGINE_FREE.some((folder) => file.startsWith(folder)) || ENGINE_FREE_FILES.includes(file) || BROWSER_FILES.includes(file);
const suites = engine === 'postgres' ? all.filter((file) => !engineFree(file)) : all;
if (engine === 'postgres') console.log(`test:postgres: ${all.length - suites.length} engine-free and browser suites ran on SQLite only (${[...ENGINE_FREE, ...ENGINE_FREE_FILES, ...BROWSER_FILES].join(', ')})`);
// The Web-standard adapter (examples/hono) and NestJS (examples/nest, on Nest's Express platform)
// take the contract on the SQLite pass only, to keep `npm test` within its time budget: they share
// the pipeline, and so the engine paths, with Express.
// The contract suites only talk HTTP to servers of their own: four files at once keep two cores busy.
const sqliteOnly = engine === 'sqlite' ? [run(contract, 'web', 4), run(contract, 'nest', 4)] : [];
const statuses = [run(suites), run(contract, 'express', 4), ...sqliteOnly];
process.exit(statuses.every((status) => status === 0) ? 0 : 1);
