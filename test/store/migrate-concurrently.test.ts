import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TEST_ENGINE } from '../support/database.js';

const STORE = fileURLToPath(new URL('../../src/store/index.ts', import.meta.url));

/** One process opening the store and migrating it with a set of its own, as `tessera serve` starts. */
const migrateScript = (createTable: string) => `
  const { openStore, addIdColumn } = await import(${JSON.stringify(STORE)});
  const store = openStore(process.argv[1]);
  const set = { owner: 'example', migrations: { '0001_things': { up: async (db) => {
    await ${createTable}.$call(addIdColumn(db)).addColumn('name', 'text').execute();
  } } } };
  try { await store.migrate(set); console.log('migrated'); } finally { await store.close(); }
`;

const SQLITE_ONLY = { skip: TEST_ENGINE !== 'sqlite' && 'SQLite only: PostgreSQL has Kysely\'s lock' };

// Kysely's migration lock does nothing on SQLite (a connection per process): four processes
// starting on one file at once once failed with "table ... already exists".
test('four processes migrating one SQLite file at once all succeed', SQLITE_ONLY, async () => {
  await migrateInFourProcesses(migrateScript(`db.schema.createTable('things')`));
});

// With an idempotent migration (src/example/students.ts's `ifNotExists`) the second process gets
// no "already exists": it runs the migration too and collides on the tracking table's row instead
// (three `tessera serve` nodes on one file failed with "UNIQUE constraint failed").
test('four processes applying one idempotent migration at once all succeed', SQLITE_ONLY, async () => {
  await migrateInFourProcesses(migrateScript(`db.schema.createTable('things').ifNotExists()`));
});

async function migrateInFourProcesses(script: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-migrate-race-'));
  try {
    const url = `sqlite:${join(dir, 'race.sqlite3')}`;
    const runs = await Promise.all(Array.from({ length: 4 }, () => new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, url], { stdio: 'pipe' });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('close', (code) => resolve({ code, output }));
    })));
    for (const run of runs) assert.equal(run.code, 0, run.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
