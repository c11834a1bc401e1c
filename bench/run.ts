/**
 * `npm run bench`: tessera against a bare Fastify ceiling, measured in the same run on the same
 * machine, so the ratios mean something on a shared, noisy host. `npm run bench -- --help` lists
 * the options (see bench/options.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVerifier } from 'fast-jwt';
import { alternated } from './alternated.js';
import { benchRedis, createBenchDatabase } from './backends.js';
import { measureFlush } from './flush.js';
import { sampledPeak } from './memory.js';
import { refreshTokenMinter } from './minted-tokens.js';
import { HELP, parseOptions, type BenchOptions, type ScenarioName } from './options.js';
import { peerSkipReason, startPeer, type Peer } from './peer.js';
import { freePort, startProcess, type ServerProcess } from './processes.js';
import { printSummary, withRatios, writeOutputs, type Summary } from './report.js';
import { refreshAtScale } from './scale.js';
import { authenticatedGet, postFreshTokens, postJson, rotatingRefresh, type Loader, type Result } from './scenarios.js';
import { soak } from './soak.js';
import { measureRemoteVerification } from './remote-verification.js';
import { measureVerification } from './verification.js';
import { chooseLoader } from './wrk.js';

const root = new URL('..', import.meta.url).pathname;
let options: BenchOptions;
try {
  const parsed = parseOptions(process.argv.slice(2), join(root, 'docs/performance-chart.svg'));
  if (parsed === 'help') {
    process.stdout.write(HELP);
    process.exit(0);
  }
  options = parsed;
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}

const SIGNING_KEY = 'bench-signing-key-0123456789-0123456789-0123456789';
const PASSWORD = 'Ab12345678-bench';
const PEER_SCRIPT = join(root, '../shared/peer/start-peer.sh');
/** How long after its first answer the server is left alone before its idle memory is read. */
const IDLE_SETTLE_MS = 2000;
const cli = join(root, 'dist/bin/tessera.js');
const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
const database = await createBenchDatabase(dir, options.postgres);
const redis = options.redis ? benchRedis() : null;
const tessEnv: Record<string, string> = {
  TESSERA_DATABASE_URL: database.url,
  TESSERA_DATA_DIR: dir,
  TESSERA_SIGNING_KEY: SIGNING_KEY,
  TESSERA_LOG_LEVEL: 'warn',
  TESSERA_ROTATE_REFRESH_TOKENS: 'true',
  TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
  TESSERA_THROTTLE_ENABLED: 'false',
  TESSERA_SUPERUSER_PASSWORD: PASSWORD,
  // The soak's one access token must outlive the run, or its second half measures 401s.
  ...(options.soakMinutes !== null ? { TESSERA_ACCESS_TOKEN_LIFETIME: String(Math.ceil(options.soakMinutes * 60) + 600) } : {}),
  ...redis?.env,
};
let loader: Loader;
try {
  loader = chooseLoader(options.loader);
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(2);
}
if (options.loader === null && loader === 'autocannon') {
  process.stdout.write('bench: wrk is not installed; loading with autocannon, which saturates before the ceiling does (see docs/performance.md)\n');
}
const run = (name: ScenarioName) => options.only.has(name);
const load = { seconds: options.duration, connections: options.connections, loader };

/** Logs in over HTTP, as clients do. */
async function login(url: string, username: string, password: string): Promise<{ access: string; refresh: string }> {
  const response = await fetch(`${url}/api/token/`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login at ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { access: string; refresh: string };
}

let ceiling: ServerProcess | undefined;
let tessera: ServerProcess | undefined;
let peer: Peer | undefined;
try {
  execFileSync(process.execPath, [cli, 'createsuperuser', '--username', 'shoumitro', '--email', 's@example.com', '--no-input'], {
    env: { ...process.env, ...tessEnv }, cwd: dir, stdio: 'ignore',
  });
  const throughput = (['get', 'verify', 'refresh', 'studentapi', 'login', 'mixed', 'peer'] as const).some(run);
  if (throughput && options.soakMinutes === null) {
    const port = await freePort();
    ceiling = await startProcess(process.execPath, ['--import', 'tsx', join(root, 'bench/ceiling-server.ts'), String(port)], {
      url: `http://127.0.0.1:${port}`, readyPath: '/api/user/', cwd: root,
    });
  }
  const port = await freePort();
  const coldStart = Date.now();
  tessera = await startProcess(process.execPath, [cli, 'serve', ...(options.workers > 1 ? ['--workers', String(options.workers)] : [])], {
    env: { ...tessEnv, TESSERA_PORT: String(port) }, cwd: dir, url: `http://127.0.0.1:${port}`, readyPath: '/health/',
  });
  const coldStartMs = Date.now() - coldStart;
  const server = tessera;
  const atFirstAnswer = server.memory();
  // Idle means started and at rest: with --workers the first answer comes from one worker while
  // the others may still be starting (their start-up garbage not yet collected).
  await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
  const idle = server.memory();
  const { access, refresh } = await login(server.url, 'shoumitro', PASSWORD);
  const mint = refreshTokenMinter(refresh, SIGNING_KEY);
  const target = { ...load, url: server.url };

  const summary: Summary = {
    date: new Date().toISOString(), node: process.version,
    options: { loader, duration: options.duration, connections: options.connections, workers: options.workers, database: database.engine, redis: redis !== null, tokens: options.tokens },
    coldStartMs, memory: null, verification: null, remoteVerification: null, results: [], peer: { skipped: null, getRatio: null }, scale: [], flush: null, soak: null,
  };
  const rows: (Result & { peakRssMb: number; ceilingRequestsPerSecond?: number })[] = [];
  const measure = async (pid: number, work: () => Promise<Result>) => {
    const { result, peakRssMb } = await sampledPeak(pid, work);
    rows.push({ ...result, peakRssMb });
    return result;
  };
  const tess = (work: () => Promise<Result>) => measure(server.child.pid!, work);

  if (options.soakMinutes !== null) {
    summary.soak = await soak(() => server.memory(), options.soakMinutes, target, access, mint);
  } else {
    let tesseraGet: Result | undefined;
    const get = (slice: typeof load) => authenticatedGet('GET /api/user/ (Bearer)', { ...slice, url: server.url }, '/api/user/', access);
    const bare = ceiling; // a const, for the closures below
    const ceilingGet = (slice: typeof load) => authenticatedGet('ceiling: bare Fastify GET /api/user/', { ...slice, url: bare!.url }, '/api/user/', access);
    if (bare) {
      if (run('get')) {
        // The goal's own ratio: the two alternate in slices, so a machine that drifts during the
        // run weighs on both sides alike.
        const [ceilingRow, getRow] = await alternated(load, [{ pid: bare.child.pid!, work: ceilingGet }, { pid: server.child.pid!, work: get }]);
        rows.push(ceilingRow!, getRow!);
        tesseraGet = getRow;
      } else {
        await measure(bare.child.pid!, () => ceilingGet(load));
      }
    } else if (run('get')) {
      tesseraGet = await tess(() => get(load));
    }
    if (run('verify')) await tess(() => postJson('POST /api/token/verify/', target, '/api/token/verify/', { token: access }));
    if (run('refresh')) {
      // Fresh tokens for every slice: each slice is a new load whose pool starts full. Twice the
      // connections: a connection that reconnects asks for a token again without an answer for
      // the one it held, and a pool that ran dry would present a blacklisted token.
      const refreshes = (slice: typeof load) => rotatingRefresh(
        'POST /api/token/refresh/ (rotate + blacklist)', { ...slice, url: server.url }, Array.from({ length: options.connections * 2 }, mint),
      );
      if (bare) {
        // A goal's ratio too: alternated with the ceiling, it is taken against the ceiling of its own slices.
        const [ceilingRow, refreshRow] = await alternated(load, [{ pid: bare.child.pid!, work: ceilingGet }, { pid: server.child.pid!, work: refreshes }]);
        rows.push({ ...refreshRow!, ceilingRequestsPerSecond: ceilingRow!.requestsPerSecond });
      } else {
        await tess(() => refreshes(load));
      }
    }
    if (run('studentapi')) await tess(() => authenticatedGet('GET /studentapi/', target, '/studentapi/', access));
    const credentials = { username: 'shoumitro', password: PASSWORD };
    if (run('login')) await tess(() => postJson('POST /api/token/ (login, argon2id, 4 connections)', { ...target, connections: 4 }, '/api/token/', credentials));
    if (run('mixed')) {
      // Logins at full speed beside authenticated GETs: hashing must stay off the event loop.
      await tess(async () => (await Promise.all([
        authenticatedGet('GET /api/user/ while logins run beside it', target, '/api/user/', access),
        postJson('(logins beside)', { ...target, connections: 4 }, '/api/token/', credentials),
      ]))[0]);
    }
    if (run('peer')) {
      summary.peer.skipped = peerSkipReason(PEER_SCRIPT);
      if (!summary.peer.skipped) {
        peer = await startPeer(PEER_SCRIPT, await freePort(), dir, SIGNING_KEY).catch((error: Error) => {
          summary.peer.skipped = `it did not start: ${error.message.split('\n')[0]}`;
          return undefined;
        });
      }
      if (peer) {
        const peerTarget = { ...load, url: peer.url };
        const tokens = await login(peer.url, 'shoumitro', 'Ab12345678');
        const peerGet = await measure(peer.pid, () => authenticatedGet('peer (Simple JWT, gunicorn 2 workers): GET /api/user/', peerTarget, '/api/user/', tokens.access));
        // Minted tokens, not a hand-off pool: gunicorn's sync workers close every connection, and
        // a token lost with one would leave the pool presenting blacklisted ones.
        const peerMint = refreshTokenMinter(tokens.refresh, SIGNING_KEY);
        await measure(peer.pid, () => postFreshTokens('peer (Simple JWT, gunicorn 2 workers): POST /api/token/refresh/', peerTarget, '/api/token/refresh/', 'refresh', peerMint));
        if (tesseraGet && peerGet.requestsPerSecond > 0) summary.peer.getRatio = Number((tesseraGet.requestsPerSecond / peerGet.requestsPerSecond).toFixed(1));
        await peer.stop();
        peer = undefined;
      }
    }
    if (run('get')) summary.verification = measureVerification(SIGNING_KEY, access, createVerifier);
    if (run('verify')) summary.remoteVerification = await measureRemoteVerification();
    // Latency, not throughput: a few connections, so queueing does not hide the query time.
    const latencyLoad = { ...target, connections: Math.min(options.connections, 10) };
    if (run('scale')) summary.scale = await refreshAtScale(database, [...new Set([Math.min(1000, options.tokens), options.tokens])], latencyLoad, mint);
    if (run('flush')) summary.flush = await measureFlush(database, options.tokens, target, access, mint, cli, tessEnv, dir);
  }
  const end = server.memory();
  summary.memory = {
    atFirstAnswerRssMb: Math.round(atFirstAnswer.rssMb), idleRssMb: Math.round(idle.rssMb), peakRssMb: Math.round(end.peakMb), processes: end.processes,
  };
  summary.results = withRatios(rows, ceiling ? rows[0] : undefined);
  printSummary(summary);
  writeOutputs(summary, options.json, options.soakMinutes === null ? options.chart : null);
} finally {
  await peer?.stop();
  await tessera?.stop();
  await ceiling?.stop();
  await database.drop().catch((error: unknown) => console.error(`bench: could not drop the database: ${(error as Error).message}`));
  await redis?.clean().catch((error: unknown) => console.error(`bench: could not clean Redis: ${(error as Error).message}`));
  rmSync(dir, { recursive: true, force: true });
}
