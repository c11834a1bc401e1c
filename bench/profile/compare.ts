/**
 * A/B of two builds on the same machine in the same run: `node --import tsx
 * bench/profile/compare.ts --a DIST_A --b DIST_B [--scenario get|verify|refresh|student] [--rounds N]
 * [--seconds N]`. Starts the ceiling and both builds (`DIST/bin/tessera.js serve`, each on its own
 * fresh SQLite database), then loads them in turn, round after round, so the machine's noise
 * falls on all three alike. Prints each round's ratios to the ceiling and their medians. Extra
 * environment for B only: `--b-env NAME=VALUE` (repeatable), e.g. to compare one setting.
 * `--loader wrk|autocannon` as in `npm run bench` (wrk when installed). Also prints the server's CPU
 * time per request (Linux /proc), steadier than throughput on a busy machine. `--defaults` runs both
 * builds at the settings `tessera serve` starts with (log level `info`, one access line per request;
 * throttles on) instead of the bench's `warn` and throttles off.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startProcess, type ServerProcess } from '../processes.js';
import { authenticatedGet, postJson, rotatingRefresh, type LoadOptions, type Result } from '../scenarios.js';
import { chooseLoader } from '../wrk.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string' }, b: { type: 'string' }, scenario: { type: 'string', default: 'get' },
    rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '3' }, connections: { type: 'string', default: '50' },
    'b-env': { type: 'string', multiple: true, default: [] }, loader: { type: 'string' }, defaults: { type: 'boolean', default: false },
  },
});
const root = new URL('../..', import.meta.url).pathname;
const PASSWORD = 'Ab12345678-bench';

async function startTessera(dist: string, extraEnv: Record<string, string>): Promise<{ server: ServerProcess; dir: string; startMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-compare-'));
  const env: Record<string, string> = {
    TESSERA_DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite3')}`, TESSERA_DATA_DIR: dir,
    TESSERA_SIGNING_KEY: 'bench-signing-key-0123456789-0123456789-0123456789', TESSERA_LOG_LEVEL: 'warn',
    TESSERA_ROTATE_REFRESH_TOKENS: 'true', TESSERA_BLACKLIST_AFTER_ROTATION: 'true', TESSERA_THROTTLE_ENABLED: 'false',
    TESSERA_SUPERUSER_PASSWORD: PASSWORD, ...extraEnv,
  };
  if (values.defaults) {
    delete env.TESSERA_LOG_LEVEL;
    delete env.TESSERA_THROTTLE_ENABLED;
  }
  const cli = join(resolve(dist), 'bin/tessera.js');
  execFileSync(process.execPath, [cli, 'createsuperuser', '--username', 'shoumitro', '--email', 's@example.com', '--no-input'], {
    env: { ...process.env, ...env }, cwd: dir, stdio: 'ignore',
  });
  const port = await freePort();
  const start = Date.now();
  const server = await startProcess(process.execPath, [cli, 'serve'], {
    env: { ...env, TESSERA_PORT: String(port) }, cwd: dir, url: `http://127.0.0.1:${port}`, readyPath: '/health/',
  });
  return { server, dir, startMs: Date.now() - start };
}

async function login(url: string): Promise<{ access: string; refresh: string }> {
  const response = await fetch(`${url}/api/token/`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'shoumitro', password: PASSWORD }),
  });
  return (await response.json()) as { access: string; refresh: string };
}

/** CPU time the process has used so far, in microseconds (Linux /proc: user + system, in clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Write system calls the process has made so far, all threads (Linux /proc): socket writes and log lines alike. */
function writeCalls(pid: number): number {
  return Number(/syscw: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

/** Requests per second, the server's CPU time and write system calls per request (taken around the load only). */
async function run(server: ServerProcess, load: LoadOptions, access: string): Promise<{ rps: number; cpuUs: number; writes: number }> {
  const options = { ...load, url: server.url };
  const tokens: string[] = [];
  // Refresh tokens are used once each: minted (with logins, which hash) before the CPU is read.
  if (values.scenario === 'refresh') for (let i = 0; i < load.connections * 2; i++) tokens.push((await login(server.url)).refresh);
  const pid = server.child.pid!;
  const before = cpuMicros(pid);
  const writesBefore = writeCalls(pid);
  let result: Result;
  switch (values.scenario) {
    case 'verify': result = await postJson('verify', options, '/api/token/verify/', { token: access }); break;
    case 'student': result = await authenticatedGet('student', options, '/studentapi/', access); break;
    case 'refresh': result = await rotatingRefresh('refresh', options, tokens); break;
    default: result = await authenticatedGet('get', options, '/api/user/', access);
  }
  const rps = result.requestsPerSecond;
  const requests = rps * load.seconds;
  return { rps, cpuUs: (cpuMicros(pid) - before) / requests, writes: (writeCalls(pid) - writesBefore) / requests };
}

// Split at the first `=` only: a value may hold more (NODE_OPTIONS=--max-semi-space-size=2).
const bEnv = Object.fromEntries((values['b-env'] as string[]).map((pair) => {
  const at = pair.indexOf('=');
  if (at <= 0) throw new Error(`--b-env wants NAME=VALUE, not ${JSON.stringify(pair)}`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}));
if (values.loader !== undefined && values.loader !== 'wrk' && values.loader !== 'autocannon') throw new Error(`--loader: ${JSON.stringify(values.loader)} is not wrk or autocannon`);
const loader = chooseLoader(values.loader ?? null);
const load: LoadOptions = { url: '', seconds: Number(values.seconds), connections: Number(values.connections), loader };
const ceilingPort = await freePort();
const ceiling = await startProcess(process.execPath, ['--import', 'tsx', join(root, 'bench/ceilings/fastify.ts'), String(ceilingPort)], {
  url: `http://127.0.0.1:${ceilingPort}`, readyPath: '/api/user/', cwd: root,
});
const started: { server: ServerProcess; dir: string }[] = [];
try {
  const a = await startTessera(values.a ?? join(root, 'dist'), {});
  started.push(a);
  const b = await startTessera(values.b ?? join(root, 'dist'), bEnv);
  started.push(b);
  console.log(`start to first answer: A ${a.startMs} ms, B ${b.startMs} ms; idle RSS: A ${Math.round(a.server.memory().rssMb)} MB, B ${Math.round(b.server.memory().rssMb)} MB`);
  const accessA = (await login(a.server.url)).access;
  const accessB = (await login(b.server.url)).access;
  const ratios: { a: number[]; b: number[] } = { a: [], b: [] };
  const cpu: { a: number[]; b: number[]; ceiling: number[] } = { a: [], b: [], ceiling: [] };
  for (let round = 0; round < Number(values.rounds); round++) {
    const ceilingBefore = cpuMicros(ceiling.child.pid!);
    const top = (await authenticatedGet('ceiling', { ...load, url: ceiling.url }, '/api/user/', accessA)).requestsPerSecond;
    cpu.ceiling.push((cpuMicros(ceiling.child.pid!) - ceilingBefore) / (top * load.seconds));
    const a1 = await run(a.server, load, accessA);
    const b1 = await run(b.server, load, accessB);
    ratios.a.push(a1.rps / top);
    ratios.b.push(b1.rps / top);
    cpu.a.push(a1.cpuUs);
    cpu.b.push(b1.cpuUs);
    console.log(`round ${round + 1}: ceiling ${top}/s (${cpu.ceiling.at(-1)!.toFixed(0)} us), A ${a1.rps}/s (${(a1.rps / top).toFixed(3)}, ${a1.cpuUs.toFixed(0)} us CPU/request, ${a1.writes.toFixed(2)} writes), B ${b1.rps}/s (${(b1.rps / top).toFixed(3)}, ${b1.cpuUs.toFixed(0)} us, ${b1.writes.toFixed(2)}), B/A ${(b1.rps / a1.rps).toFixed(2)}`);
  }
  const median = (list: number[]) => [...list].sort((x, y) => x - y)[list.length >> 1]!;
  console.log(`median ratio to the ceiling (${values.scenario}): A ${median(ratios.a).toFixed(3)}, B ${median(ratios.b).toFixed(3)}; B/A ${(median(ratios.b) / median(ratios.a)).toFixed(2)}`);
  console.log(`median server CPU per request: ceiling ${median(cpu.ceiling).toFixed(1)} us, A ${median(cpu.a).toFixed(1)} us, B ${median(cpu.b).toFixed(1)} us; B/A ${(median(cpu.b) / median(cpu.a)).toFixed(2)}`);
  // Per round, so that the machine's drift between rounds cancels: the ceiling's CPU over each build's.
  const cpuRatio = (side: number[]) => median(side.map((us, i) => cpu.ceiling[i]! / us)).toFixed(3);
  console.log(`median CPU ratio (ceiling us / build us, per round): A ${cpuRatio(cpu.a)}, B ${cpuRatio(cpu.b)}`);
} finally {
  for (const server of started) {
    await server.server.stop();
    rmSync(server.dir, { recursive: true, force: true });
  }
  await ceiling.stop();
}
