/**
 * What the suites that run Django itself share (Debian's python3-django and its apps; the
 * `import-django` tests): child processes, the tested CLI on a database of its own, Django's
 * availability, and skipping with the reason unless TESSERA_REQUIRE_PEER=1 (CI) fails instead.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import Database from 'better-sqlite3';
import { TESTED_CLI } from './cli-process.js';

export const PYTHON = '/usr/bin/python3';
export const REQUIRE_PEER = process.env.TESSERA_REQUIRE_PEER === '1';

/** What a child process said, and how it ended (-1: it could not start). */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => resolve({ code: -1, stdout, stderr: `${stderr}${error.message}` }));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const folders: string[] = [];
after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder, removed after the file's tests. */
export function freshFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** `tessera ARGS` in `cwd`, its database at `cwd/tessera.sqlite3`, signed with `signingKey`, no TESSERA_* from the parent. */
export function tesseraIn(cwd: string, args: string[], signingKey: string, env: Record<string, string> = {}): Promise<Run> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TESSERA_')) clean[name] = value;
  return run(process.execPath, [...TESTED_CLI.nodeArgs, ...args], {
    cwd,
    env: { ...clean, TESSERA_DATABASE_URL: `sqlite:${join(cwd, 'tessera.sqlite3')}`, TESSERA_SIGNING_KEY: signingKey, ...env },
  });
}

/** Runs a fixture script that makes a Django database at `url` and prints a JSON summary; the summary. */
export async function makeDjangoDatabase<T>(fixture: string, url: string, secretKey: string): Promise<T> {
  const result = await run(PYTHON, [fixture, url, secretKey]);
  if (result.code !== 0) throw new Error(`${fixture.split('/').at(-1)} failed (${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(result.stdout) as T;
}

/** Null when `modules` import with the system python; else why not (after trying to install `packages` as root). */
export async function djangoMissing(modules: string[], packages: string[]): Promise<string | null> {
  const check = () => run(PYTHON, ['-c', `import ${modules.join(', ')}`]);
  if ((await check()).code === 0) return null;
  if (process.getuid?.() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { env });
    const again = await check();
    if (again.code === 0) return null;
    return `${PYTHON} cannot import ${modules.join(', ')} (apt-get install ${packages.join(' ')} did not help): ${again.stderr.trim().split('\n').at(-1)}`;
  }
  return `${PYTHON} cannot import ${modules.join(', ')}; install ${packages.join(' ')}`;
}

/** Skips the suite's tests with `reason` printed, or fails them under TESSERA_REQUIRE_PEER=1. */
export function skipOrFail(suite: string, reason: string): string {
  if (REQUIRE_PEER) throw new Error(`TESSERA_REQUIRE_PEER=1 and ${suite} cannot run: ${reason}`);
  const message = `${reason} (set TESSERA_REQUIRE_PEER=1 to fail instead of skipping)`;
  console.log(`# ${suite} skipped: ${message}`);
  return message;
}

/** Every row of `tables` in the SQLite file (by their first column): "nothing changed" is equality. */
export function snapshotTables(path: string, tables: readonly string[]): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    return Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all()]));
  } finally {
    db.close();
  }
}
