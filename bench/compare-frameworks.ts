import { alternated } from './alternated.js';
import { treeCpuSeconds } from './cpu.js';
import { FRAMEWORK_TABLE, type FrameworkName } from './frameworks.js';
import { freePort, startProcess, type ServerProcess } from './processes.js';
import { authenticatedGet, type LoadOptions, type Result } from './scenarios.js';
import type { ServerEntry } from './build-servers.js';

/** One adapter's authenticated GET against its bare framework, measured alternated in one run. */
export interface FrameworkResult {
  framework: FrameworkName;
  ceiling: Result & { peakRssMb: number };
  tessera: Result & { peakRssMb: number };
  /** tessera's requests/s over the ceiling's (goal: at least 0.75). */
  ratio: number;
  /**
   * The server's CPU time (user + system, all threads) per request, in microseconds, over the
   * loaded slices: what each answer costs, which a neighbour on a shared machine moves much
   * less than the rate (it takes turns, not work).
   */
  ceilingCpuUs: number;
  tesseraCpuUs: number;
  /** The ceiling's CPU per request over tessera's: the ratio the rate would have on a machine of its own. */
  cpuRatio: number;
  /** tessera's server on this adapter, resident MB at rest 2 s after its first answer (goal: under 80 MB). */
  idleRssMb: number;
  /** The same for the bare framework, for scale. */
  ceilingIdleRssMb: number;
}

export interface CompareContext {
  bundles: Record<ServerEntry, string>;
  /** dist/bin/tessera.js, which serves the Fastify adapter. */
  cli: string;
  /** tessera's environment: database, signing key, data folder; nothing else, so every other setting is the default. */
  env: Record<string, string>;
  /** Where `tessera serve` runs (its data folder). */
  dir: string;
  root: string;
  /** `tessera serve --workers N` for the Fastify adapter (the examples run one process). */
  workers: number;
  load: Omit<LoadOptions, 'url'>;
  login(url: string): Promise<{ access: string }>;
  /** Milliseconds a server is left alone after its first answer before its idle memory is read. */
  settleMs: number;
}

/** The bare framework's server for `name` (`GET /api/user/` answers 200 without credentials). */
export async function startCeiling(name: FrameworkName, context: Pick<CompareContext, 'bundles' | 'root'>): Promise<ServerProcess> {
  const port = await freePort();
  return startProcess(process.execPath, [context.bundles[FRAMEWORK_TABLE[name].ceiling], String(port)], {
    url: `http://127.0.0.1:${port}`, readyPath: '/api/user/', cwd: context.root,
  });
}

/** tessera on the adapter `name`, at the default settings but for the database and signing key. */
async function startTessera(name: FrameworkName, context: CompareContext): Promise<ServerProcess> {
  const port = await freePort();
  const entry = FRAMEWORK_TABLE[name].tessera;
  const args = entry === null
    ? [context.cli, 'serve', ...(context.workers > 1 ? ['--workers', String(context.workers)] : [])]
    : [context.bundles[entry]];
  return startProcess(process.execPath, args, {
    env: { ...context.env, TESSERA_PORT: String(port), TESSERA_HOST: '127.0.0.1' },
    cwd: context.dir, url: `http://127.0.0.1:${port}`, readyPath: '/api/user/',
  });
}

/** Refuses to measure a server that does not answer the GET with 200 (a 401 is fast but means nothing). */
async function expectOk(url: string, access: string, who: string): Promise<void> {
  const response = await fetch(`${url}/api/user/`, { headers: { authorization: `Bearer ${access}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${who} answered GET /api/user/ with ${response.status}: ${body.slice(0, 200)}`);
}

/**
 * Starts tessera on the adapter (and the bare framework unless `ceiling` is given, which is left
 * running), reads tessera's idle memory, logs in, checks both answer the GET with 200, then loads
 * them in alternated slices. Stops what it started.
 */
export async function compareFramework(name: FrameworkName, context: CompareContext, ceiling?: ServerProcess): Promise<FrameworkResult> {
  const framework = FRAMEWORK_TABLE[name];
  let bare = ceiling;
  let tessera: ServerProcess | undefined;
  try {
    bare ??= await startCeiling(name, context);
    tessera = await startTessera(name, context);
    await new Promise((resolve) => setTimeout(resolve, context.settleMs));
    const idleRssMb = Math.round(tessera.memory().rssMb);
    const ceilingIdleRssMb = Math.round(bare.memory().rssMb);
    const { access } = await context.login(tessera.url);
    await expectOk(bare.url, access, framework.ceilingLabel);
    await expectOk(tessera.url, access, framework.tesseraLabel);
    const ceilingCpu = cpuMeter(bare.child.pid!);
    const tesseraCpu = cpuMeter(tessera.child.pid!);
    const [ceilingRow, tesseraRow] = await alternated(context.load, [
      { pid: bare.child.pid!, work: ceilingCpu.around((slice) => authenticatedGet(framework.ceilingLabel, { ...slice, url: bare!.url }, '/api/user/', access)) },
      { pid: tessera.child.pid!, work: tesseraCpu.around((slice) => authenticatedGet(framework.tesseraLabel, { ...slice, url: tessera!.url }, '/api/user/', access)) },
    ]);
    const ratio = ceilingRow!.requestsPerSecond > 0 ? Number((tesseraRow!.requestsPerSecond / ceilingRow!.requestsPerSecond).toFixed(3)) : 0;
    const ceilingCpuUs = ceilingCpu.perRequestUs();
    const tesseraCpuUs = tesseraCpu.perRequestUs();
    const cpuRatio = tesseraCpuUs > 0 ? Number((ceilingCpuUs / tesseraCpuUs).toFixed(3)) : 0;
    return { framework: name, ceiling: ceilingRow!, tessera: tesseraRow!, ratio, ceilingCpuUs, tesseraCpuUs, cpuRatio, idleRssMb, ceilingIdleRssMb };
  } finally {
    await tessera?.stop();
    if (!ceiling) await bare?.stop();
  }
}

/** Adds up a server's CPU seconds and answered requests over the slices its `around` wraps. */
function cpuMeter(pid: number) {
  let seconds = 0;
  let requests = 0;
  return {
    around: <Load extends { seconds: number }>(work: (slice: Load) => Promise<Result>) => async (slice: Load): Promise<Result> => {
      const before = treeCpuSeconds(pid);
      const result = await work(slice);
      seconds += treeCpuSeconds(pid) - before;
      requests += result.requestsPerSecond * slice.seconds;
      return result;
    },
    perRequestUs: () => (requests > 0 ? Math.round((seconds / requests) * 1e6) : 0),
  };
}
