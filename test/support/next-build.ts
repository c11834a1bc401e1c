import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'nextjs');
const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
/** Written last into a build folder: a folder without it is a build that did not finish. */
const COMPLETE = 'tessera-build-complete';

/** What a build of examples/nextjs is made from: its own files, the sources it imports, the lockfile. */
function sourcesDigest(): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      if (name.startsWith('.next') || name === 'node_modules') continue;
      const full = join(path, name);
      if (statSync(full).isDirectory()) add(full);
      else hash.update(relative(ROOT, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  for (const folder of ['examples/nextjs', 'examples/seed-api', 'src']) add(join(ROOT, folder));
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * `next build` of examples/nextjs into `examples/nextjs/.next-test-<digest>` (git ignores
 * `.next*`), reused while the example and tessera's sources are unchanged: a build takes about a
 * minute here, so the SQLite and PostgreSQL runs share one. Older test builds are removed.
 * Resolves to the folder's name, for `TESSERA_NEXT_DIST_DIR`.
 */
export async function buildNextExample(): Promise<{ distDir: string; reused: boolean; ms: number }> {
  const distDir = `.next-test-${sourcesDigest()}`;
  if (existsSync(join(EXAMPLE, distDir, COMPLETE))) return { distDir, reused: true, ms: 0 };
  // `npm test` runs the SQLite and PostgreSQL suites at once: one builds, the other waits for it.
  const release = await buildLock();
  try {
    if (existsSync(join(EXAMPLE, distDir, COMPLETE))) return { distDir, reused: true, ms: 0 };
    return await build(distDir);
  } finally {
    release();
  }
}

const LOCK = join(EXAMPLE, '.next-test-lock');
/** A lock older than this is a build that died (a build takes about a minute here). */
const STALE_LOCK_MS = 10 * 60_000;

/** Waits for the build lock (a folder: made atomically); resolves to its release. */
async function buildLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function build(distDir: string): Promise<{ distDir: string; reused: boolean; ms: number }> {
  for (const name of readdirSync(EXAMPLE)) {
    if (name.startsWith('.next-test-') && name !== distDir && name !== '.next-test-lock') rmSync(join(EXAMPLE, name), { recursive: true, force: true });
  }
  rmSync(join(EXAMPLE, distDir), { recursive: true, force: true });
  const started = performance.now();
  const output = await run(process.execPath, [NEXT_BIN, 'build', EXAMPLE], {
    ...process.env,
    TESSERA_NEXT_DIST_DIR: distDir,
    NEXT_TELEMETRY_DISABLED: '1',
    // Never let Next.js install packages (it does for a TypeScript app missing @types/react): in CI it refuses instead.
    CI: '1',
  });
  writeFileSync(join(EXAMPLE, distDir, COMPLETE), output.slice(-2000));
  return { distDir, reused: false, ms: performance.now() - started };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`next build failed (${code}):\n${output}`))));
  });
}
