/**
 * `npm run bench`: tessera against a bare Fastify ceiling, measured in the same run on the same
 * machine, so the ratios mean something on a shared, noisy host. Options: --seconds N (default
 * 5), --connections N (default 50), --json FILE.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createVerifier } from 'fast-jwt';
import { startProcess, type ServerProcess } from './processes.js';
import { authenticatedGet, postJson, rotatingRefresh, type Result } from './scenarios.js';
import { measureVerification } from './verification.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '50' }, json: { type: 'string' } },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const SIGNING_KEY = 'bench-signing-key-0123456789-0123456789-0123456789';
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
const tessEnv = {
  TESSERA_DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite3')}`,
  TESSERA_DATA_DIR: dir,
  TESSERA_SIGNING_KEY: SIGNING_KEY,
  TESSERA_LOG_LEVEL: 'warn',
  TESSERA_ROTATE_REFRESH_TOKENS: 'true',
  TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
  TESSERA_THROTTLE_ENABLED: 'false',
  TESSERA_SUPERUSER_PASSWORD: 'Ab12345678-bench',
};

const cli = join(root, 'dist/cli/main.js');
execFileSync(process.execPath, [cli, 'createsuperuser', '--username', 'shoumitro', '--email', 's@example.com', '--no-input'], {
  env: { ...process.env, ...tessEnv }, cwd: dir, stdio: 'ignore',
});

const results: Result[] = [];
let ceiling: ServerProcess | undefined;
let tessera: ServerProcess | undefined;
try {
  ceiling = await startProcess(process.execPath, ['--import', 'tsx', join(root, 'bench/ceiling-server.ts'), '8801'], {
    url: 'http://127.0.0.1:8801', readyPath: '/api/user/', cwd: root,
  });
  const coldStart = Date.now();
  tessera = await startProcess(process.execPath, [cli, 'serve'], {
    env: { ...tessEnv, TESSERA_PORT: '8802' }, cwd: dir, url: 'http://127.0.0.1:8802', readyPath: '/health/',
  });
  const coldStartMs = Date.now() - coldStart;
  const idle = tessera.memory();

  const login = async () => {
    const response = await fetch(`${tessera!.url}/api/token/`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'shoumitro', password: tessEnv.TESSERA_SUPERUSER_PASSWORD }),
    });
    return (await response.json()) as { access: string; refresh: string };
  };
  const { access } = await login();
  const load = { url: tessera.url, seconds, connections };

  results.push(await authenticatedGet('ceiling: bare Fastify GET /api/user/', { ...load, url: ceiling.url }, '/api/user/', access));
  results.push(await authenticatedGet('GET /api/user/ (Bearer)', load, '/api/user/', access));
  results.push(await postJson('POST /api/token/verify/', load, '/api/token/verify/', { token: access }));
  const refreshTokens: string[] = [];
  for (let i = 0; i < connections; i++) refreshTokens.push((await login()).refresh);
  results.push(await rotatingRefresh('POST /api/token/refresh/ (rotate + blacklist)', load, refreshTokens));
  results.push(await authenticatedGet('GET /studentapi/', load, '/studentapi/', access));
  results.push(await postJson('POST /api/token/ (login, argon2id)', { ...load, connections: 4 }, '/api/token/', {
    username: 'shoumitro', password: tessEnv.TESSERA_SUPERUSER_PASSWORD,
  }));
  // Logins at full speed beside authenticated GETs: hashing must stay off the event loop.
  const [mixedGet] = await Promise.all([
    authenticatedGet('GET /api/user/ while logins run', load, '/api/user/', access),
    postJson('(logins beside)', { ...load, connections: 4 }, '/api/token/', { username: 'shoumitro', password: tessEnv.TESSERA_SUPERUSER_PASSWORD }),
  ]);
  results.push(mixedGet);

  const verification = measureVerification(SIGNING_KEY, access, createVerifier);
  const top = results[0]!.requestsPerSecond;
  const rows = results.map((r) => ({ ...r, ratio: Number((r.requestsPerSecond / top).toFixed(3)) }));
  const peak = tessera.memory();
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    seconds,
    connections,
    coldStartMs,
    memory: { idleRssMb: Math.round(idle.rssMb), peakRssMb: Math.round(peak.peakMb) },
    verification,
    results: rows,
  };
  console.table(rows.map((r) => ({ scenario: r.scenario, 'req/s': r.requestsPerSecond, 'p50 ms': r.p50, 'p99 ms': r.p99, ratio: r.ratio, 'non-2xx': r.non2xx })));
  console.log(`cold start to first answer: ${coldStartMs} ms; idle RSS ${summary.memory.idleRssMb} MB, peak ${summary.memory.peakRssMb} MB`);
  console.log(`in-process verification: tessera ${verification.tesseraPerSecond}/s vs fast-jwt ${verification.fastJwtPerSecond}/s (ratio ${verification.ratio})`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
} finally {
  await tessera?.stop();
  await ceiling?.stop();
  rmSync(dir, { recursive: true, force: true });
}
