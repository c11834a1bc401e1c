/**
 * Cold start and idle memory of two builds, alternated: `node --import tsx bench/profile/startup.ts
 * --a DIST_A --b DIST_B [--runs N]`. Each run starts `DIST/bin/tessera.js serve` on a migrated SQLite
 * database, times the first answer of `/health/`, reads its resident memory, and stops it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startProcess } from '../processes.js';

const { values } = parseArgs({ options: { a: { type: 'string' }, b: { type: 'string' }, runs: { type: 'string', default: '5' } } });
const root = new URL('../..', import.meta.url).pathname;

async function once(dist: string): Promise<{ ms: number; rssMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-startup-'));
  const env = {
    TESSERA_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}`, TESSERA_DATA_DIR: dir, TESSERA_LOG_LEVEL: 'warn',
    TESSERA_SIGNING_KEY: 'bench-signing-key-0123456789-0123456789-0123456789', TESSERA_PORT: String(await freePort()),
  };
  const cli = join(resolve(dist), 'bin/tessera.js');
  execFileSync(process.execPath, [cli, 'migrate'], { env: { ...process.env, ...env }, cwd: dir, stdio: 'ignore' });
  const start = Date.now();
  const server = await startProcess(process.execPath, [cli, 'serve'], { env, cwd: dir, url: `http://127.0.0.1:${env.TESSERA_PORT}`, readyPath: '/health/' });
  const ms = Date.now() - start;
  await new Promise((r) => setTimeout(r, 500));
  const { rssMb } = server.memory();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  return { ms, rssMb };
}

const median = (list: number[]) => [...list].sort((x, y) => x - y)[list.length >> 1]!;
const results = { a: [] as { ms: number; rssMb: number }[], b: [] as { ms: number; rssMb: number }[] };
for (let i = 0; i < Number(values.runs); i++) {
  results.a.push(await once(values.a ?? join(root, 'dist')));
  results.b.push(await once(values.b ?? join(root, 'dist')));
}
for (const key of ['a', 'b'] as const) {
  const runs = results[key];
  console.log(`${key.toUpperCase()}: first answer ${median(runs.map((r) => r.ms))} ms (runs ${runs.map((r) => r.ms).join(', ')}), idle RSS ${median(runs.map((r) => r.rssMb)).toFixed(0)} MB`);
}
