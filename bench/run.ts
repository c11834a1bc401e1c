/**
 * `npm run bench`: tessera on each adapter against its own bare framework, then tessera serve's
 * other scenarios against bare Fastify, each ceiling measured in the same run on the same machine,
 * so the ratios mean something on a shared, noisy host. `npm run bench -- --help` lists the
 * options (see bench/options.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVerifier } from 'fast-jwt';
import { alternated } from './alternated.js';
import { benchRedis, createBenchDatabase } from './backends.js';
import { buildServers, type ServerEntry } from './build-servers.js';
import { compareFramework, startCeiling, type FrameworkResult } from './compare-frameworks.js';
import { FRAMEWORK_TABLE } from './frameworks.js';
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
/** What every tessera server of the run shares; everything else is at its default (log level info, throttles on). */
const defaultEnv: Record<string, string> = {
  TESSERA_DATABASE_URL: database.url,
  TESSERA_DATA_DIR: dir,
  TESSERA_SIGNING_KEY: SIGNING_KEY,
  ...redis?.env,
};
/**
 * tessera serve for the scenarios after the framework comparison, set as in earlier rounds so
 * their numbers compare: the default throttles would answer most logins and refreshes 429.
 */
const tessEnv: Record<string, string> = {
  ...defaultEnv,
  TESSERA_LOG_LEVEL: 'warn',
  TESSERA_ROTATE_REFRESH_TOKENS: 'true',
  TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
  TESSERA_THROTTLE_ENABLED: 'false',
  TESSERA_SUPERUSER_PASSWORD: PASSWORD,
  // The soak's one access token must outlive the run, or its second half measures 401s.
  ...(options.soakMinutes !== null ? { TESSERA_ACCESS_TOKEN_LIFETIME: String(Math.ceil(options.soakMinutes * 60) + 600) } : {}),
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
  const others = (['verify', 'refresh', 'studentapi', 'login', 'mixed', 'peer'] as const).some(run);
  const compare = run('get') && options.soakMinutes === null;
  const needFastifyCeiling = options.soakMinutes === null && (others || (compare && options.frameworks.includes('fastify')));
  const entries = new Set<ServerEntry>();
  if (needFastifyCeiling) entries.add('ceiling-fastify');
  if (compare) {
    for (const name of options.frameworks) {
      const { ceiling: bare, tessera: served } = FRAMEWORK_TABLE[name];
      entries.add(bare);
      if (served) entries.add(served);
    }
  }
  const bundles = await buildServers(root, [...entries]);
  if (needFastifyCeiling) ceiling = await startCeiling('fastify', { bundles, root });

  // tessera serve first: it migrates the ready server's tables, which the examples' own students
  // table must not precede (tessera serve refuses to start on a database an example migrated).
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
  // Each adapter against its own bare framework, at the default settings, one pair at a time.
  const frameworks: FrameworkResult[] = [];
  if (compare) {
    const context = {
      bundles, cli, env: defaultEnv, dir, root, workers: options.workers, load, settleMs: IDLE_SETTLE_MS,
      login: (url: string) => login(url, 'shoumitro', PASSWORD),
    };
    for (const name of options.frameworks) {
      const result = await compareFramework(name, context, name === 'fastify' ? ceiling : undefined);
      process.stdout.write(`bench: ${name}: ${result.tessera.requestsPerSecond}/s against ${result.ceiling.requestsPerSecond}/s bare (ratio ${result.ratio}; CPU a request ${result.tesseraCpuUs} against ${result.ceilingCpuUs} us, ratio ${result.cpuRatio}), idle ${result.idleRssMb} MB\n`);
      frameworks.push(result);
    }
  }


  const { access, refresh } = await login(server.url, 'shoumitro', PASSWORD);
  const mint = refreshTokenMinter(refresh, SIGNING_KEY);
  const target = { ...load, url: server.url };

  const summary: Summary = {
    date: new Date().toISOString(), node: process.version,
    options: { loader, duration: options.duration, connections: options.connections, workers: options.workers, database: database.engine, redis: redis !== null, tokens: options.tokens },
    frameworks: frameworks.map((f) => ({
      framework: f.framework, requestsPerSecond: f.tessera.requestsPerSecond, ceilingRequestsPerSecond: f.ceiling.requestsPerSecond,
      ratio: f.ratio, cpuUs: f.tesseraCpuUs, ceilingCpuUs: f.ceilingCpuUs, cpuRatio: f.cpuRatio, p50: f.tessera.p50, p99: f.tessera.p99, non2xx: f.tessera.non2xx, idleRssMb: f.idleRssMb, ceilingIdleRssMb: f.ceilingIdleRssMb,
    })),
    coldStartMs, memory: null, verification: null, remoteVerification: null, results: [], peer: { skipped: null, getRatio: null }, scale: [], flush: null, soak: null,
  };
  const rows: (Result & { peakRssMb: number; ceilingRequestsPerSecond?: number })[] = [];
  for (const f of frameworks) {
    rows.push({ ...f.ceiling, ceilingRequestsPerSecond: f.ceiling.requestsPerSecond }, { ...f.tessera, ceilingRequestsPerSecond: f.ceiling.requestsPerSecond });
  }
  const measure = async (pid: number, work: () => Promise<Result>) => {
    const { result, peakRssMb } = await sampledPeak(pid, work);
    rows.push({ ...result, peakRssMb });
    return result;
  };
  const tess = (work: () => Promise<Result>) => measure(server.child.pid!, work);

  let fastifyCeilingRate: number | undefined;
  if (options.soakMinutes !== null) {
    summary.soak = await soak(() => server.memory(), options.soakMinutes, target, access, mint);
  } else {
    // The peer is compared with tessera serve's GET (the Fastify adapter, at the default settings).
    let tesseraGet: Result | undefined = frameworks.find((f) => f.framework === 'fastify')?.tessera;
    const bare = ceiling; // a const, for the closures below
    const ceilingGet = (slice: typeof load) => authenticatedGet(FRAMEWORK_TABLE.fastify.ceilingLabel, { ...slice, url: bare!.url }, '/api/user/', access);
    // The scenarios below that are not alternated are taken against bare Fastify's GET: from the
    // comparison when it ran, else measured now.
    let fastifyCeiling: Result | undefined = frameworks.find((f) => f.framework === 'fastify')?.ceiling;
    if (bare && !fastifyCeiling && (['verify', 'studentapi', 'login', 'mixed', 'peer'] as const).some(run)) {
      fastifyCeiling = await measure(bare.child.pid!, () => ceilingGet(load));
    }
    fastifyCeilingRate = fastifyCeiling?.requestsPerSecond;
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
        tesseraGet ??= await tess(() => authenticatedGet('GET /api/user/ (Bearer; log level warn, throttles off)', target, '/api/user/', access));
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
  summary.results = withRatios(rows, fastifyCeilingRate);
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
