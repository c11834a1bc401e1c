/**
 * Profiles one hot path of the built server: `node --import tsx bench/profile/profile.ts
 * [get|verify|refresh|startup] [--seconds N] [--dist DIR] [--loader wrk|autocannon] [--defaults]`.
 * Starts `dist/bin/tessera.js serve` with `--cpu-prof` on a fresh SQLite database, loads the path
 * (with autocannon unless `--loader wrk`), stops the server, and prints the self time by function
 * and by package, in percent of the profile. `--defaults`: log level `info` and throttles on, as
 * `tessera serve` starts, instead of `warn` and throttles off.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startProcess } from '../processes.js';
import { authenticatedGet, postJson, rotatingRefresh } from '../scenarios.js';
import { chooseLoader } from '../wrk.js';
import { summarize } from './summarize.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '50' }, dist: { type: 'string' }, top: { type: 'string', default: '30' },
    loader: { type: 'string' }, defaults: { type: 'boolean', default: false } },
});
const scenario = positionals[0] ?? 'get';
const root = new URL('../..', import.meta.url).pathname;
const dist = resolve(values.dist ?? join(root, 'dist'));
const dir = mkdtempSync(join(tmpdir(), 'tessera-profile-'));
const env: Record<string, string> = {
  TESSERA_DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite3')}`,
  TESSERA_DATA_DIR: dir,
  TESSERA_SIGNING_KEY: 'bench-signing-key-0123456789-0123456789-0123456789',
  TESSERA_LOG_LEVEL: 'warn',
  TESSERA_ROTATE_REFRESH_TOKENS: 'true',
  TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
  TESSERA_THROTTLE_ENABLED: 'false',
  TESSERA_SUPERUSER_PASSWORD: 'Ab12345678-bench',
};
if (values.defaults) {
  delete env.TESSERA_LOG_LEVEL;
  delete env.TESSERA_THROTTLE_ENABLED;
}
if (values.loader !== undefined && values.loader !== 'wrk' && values.loader !== 'autocannon') throw new Error(`--loader: ${JSON.stringify(values.loader)} is not wrk or autocannon`);
const cli = join(dist, 'bin/tessera.js');
execFileSync(process.execPath, [cli, 'createsuperuser', '--username', 'shoumitro', '--email', 's@example.com', '--no-input'], {
  env: { ...process.env, ...env }, cwd: dir, stdio: 'ignore',
});
const profDir = join(dir, 'prof');
const port = await freePort();
const server = await startProcess(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, cli, 'serve'], {
  env: { ...env, TESSERA_PORT: String(port) }, cwd: dir, url: `http://127.0.0.1:${port}`, readyPath: '/health/',
});
try {
  const login = async () => {
    const response = await fetch(`${server.url}/api/token/`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'shoumitro', password: env.TESSERA_SUPERUSER_PASSWORD }),
    });
    return (await response.json()) as { access: string; refresh: string };
  };
  const load = { url: server.url, seconds: Number(values.seconds), connections: Number(values.connections), loader: values.loader === undefined ? 'autocannon' as const : chooseLoader(values.loader) };
  let result;
  const { access } = scenario === 'startup' ? { access: '' } : await login();
  if (scenario === 'get') result = await authenticatedGet('GET /api/user/', load, '/api/user/', access);
  else if (scenario === 'verify') result = await postJson('verify', load, '/api/token/verify/', { token: access });
  else if (scenario === 'refresh') {
    const tokens: string[] = [];
    for (let i = 0; i < load.connections; i++) tokens.push((await login()).refresh);
    result = await rotatingRefresh('refresh', load, tokens);
  }
  if (result) console.log(result);
} finally {
  await server.stop();
}
const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
summarize(JSON.parse(readFileSync(join(profDir, file), 'utf8')), Number(values.top));
rmSync(dir, { recursive: true, force: true });
