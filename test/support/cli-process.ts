import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real CLI, run through tsx as `node --import <tsx> src/cli/main.ts`. */
export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
// Resolved here, so the child finds tsx whatever folder it runs in.
export const TSX = import.meta.resolve('tsx');
/** The command as `npm start` and `npx tessera` run it: the bundle `npm run build` writes. */
export const BUNDLE = fileURLToPath(new URL('../../dist/bin/tessera.js', import.meta.url));

/** How a child runs the CLI: its node arguments, and the script path that shows in its command line. */
export interface Program {
  nodeArgs: string[];
  script: string;
}
export const SOURCE_CLI: Program = { nodeArgs: ['--import', TSX, MAIN], script: MAIN };
export const BUNDLED_CLI: Program = { nodeArgs: [BUNDLE], script: BUNDLE };
/**
 * What the CLI tests run: the bundle `npm start` runs, which scripts/run-tests.mjs rebuilds from
 * the sources before every run (in under a second), so the tests see the current code and each
 * start costs about 0.15 s instead of 0.9 s through tsx.
 */
export const TESTED_CLI = BUNDLED_CLI;

/** Children started by these helpers, killed (with their process group) by `cleanUp`. */
const groups: number[] = [];
const folders: string[] = [];

/** A temporary folder removed by `cleanUp`. */
export function freshFolder(prefix = 'tessera-proc-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** The parent's environment without any TESSERA_* variable, plus `extra`. */
export function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TESSERA_')) env[name] = value;
  return { ...env, ...extra };
}

/** Starts `tessera ARGS` in its own process group, so `cleanUp` can kill it and its workers. */
export function startCli(cwd: string, args: string[], env: Record<string, string> = {}, program = TESTED_CLI): ChildProcess {
  const child = spawn(process.execPath, [...program.nodeArgs, ...args], { cwd, env: environment(env), stdio: 'pipe', detached: true });
  if (child.pid) groups.push(child.pid);
  return child;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tessera ARGS` to its end. */
export function runCli(cwd: string, args: string[], env: Record<string, string> = {}, program = TESTED_CLI): Promise<Run> {
  const child = startCli(cwd, args, env, program);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.end();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A running `tessera serve`: its port, output so far, and how it ended. */
export interface Served {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stdout or stderr matches `pattern` (rejects after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** Starts `tessera serve ARGS` and resolves once it prints the URL it serves. */
export async function startServe(cwd: string, args: string[], env: Record<string, string> = {}, program = TESTED_CLI): Promise<Served> {
  const child = startCli(cwd, ['serve', ...args], { TESSERA_PORT: '0', ...env }, program);
  child.stdin!.end();
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const poke = () => { for (const waiter of waiters) waiter(); };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; poke(); });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; poke(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => { resolve({ code, signal }); poke(); }),
  );
  let ended = false;
  void exited.then(() => (ended = true));

  const waitFor = (pattern: RegExp, timeoutMs = 30_000) => new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(stdout) ?? pattern.exec(stderr);
      if (match) return done(() => resolve(match));
      if (ended) return done(() => reject(new Error(`tessera exited before printing ${pattern}:\n${stdout}\n${stderr}`)));
    };
    const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`))), timeoutMs);
    const done = (settle: () => void) => { clearTimeout(timer); waiters.delete(check); settle(); };
    waiters.add(check);
    check();
  });

  const match = await waitFor(/tessera is serving http:\/\/127\.0\.0\.1:(\d+)\//);
  const port = Number(match[1]);
  return {
    child, pid: child.pid!, port, url: `http://127.0.0.1:${port}`,
    stdout: () => stdout, stderr: () => stderr, exited, waitFor,
  };
}

/** Pids of the processes whose parent is `pid` and whose command line runs tessera (not tsx's esbuild). */
export function tesseraChildren(pid: number, program = TESTED_CLI): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 is the parent pid; the command name (field 2) may hold spaces, so read after ')'.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(program.script)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found.sort((a, b) => a - b);
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kills every child started here with its whole process group, and removes the folders. */
export function cleanUp(): void {
  // By group, even when the leader has exited: a worker it left behind still dies.
  for (const group of groups.splice(0)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
}
