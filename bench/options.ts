import { parseArgs } from 'node:util';
import { FRAMEWORKS, parseFrameworks, type FrameworkName } from './frameworks.js';
import type { Loader } from './scenarios.js';

/** Scenario names `--only` accepts, in the order a full run measures them. */
export const SCENARIOS = ['get', 'verify', 'refresh', 'studentapi', 'login', 'mixed', 'peer', 'scale', 'flush'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  duration: number;
  connections: number;
  workers: number;
  postgres: boolean;
  redis: boolean;
  peer: boolean;
  only: Set<ScenarioName>;
  /** The adapters whose authenticated GET the `get` scenario compares with their bare framework. */
  frameworks: FrameworkName[];
  /** Largest outstanding-token count for `scale` and `flush`. */
  tokens: number;
  /** Minutes of the soak run; null for the ordinary run. */
  soakMinutes: number | null;
  json: string | null;
  chart: string | null;
  /** null: wrk when it is installed, else autocannon. */
  loader: Loader | null;
}

export const HELP = `npm run bench -- [options]

For each adapter (--framework), starts its bare framework (the ceiling) and tessera on it, each
its own process from compiled JavaScript, and loads the same authenticated GET on both at
tessera's default settings; then runs the other scenarios on tessera serve (Fastify) against the
bare Fastify ceiling. Loads with wrk (or autocannon) and prints per scenario requests/s, p50/p99
latency and the ratio to the ceiling, plus memory.

  --duration S        seconds per scenario (default 5; --seconds is the same)
  --connections N     concurrent connections (default 50)
  --workers N         tessera serve --workers N (default 1); the peer always runs 2 gunicorn workers
  --postgres          tessera on a fresh PostgreSQL database, dropped afterwards
                      (server: TESSERA_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)
  --redis             tessera with Redis under a key prefix of its own, deleted afterwards
                      (TESSERA_BENCH_REDIS_URL, default redis://127.0.0.1:6379/0)
  --peer              also the Django REST framework + Simple JWT peer (../shared/peer/) under
                      gunicorn, when Django is installed; skipped with a note otherwise
  --only a,b          only these scenarios: ${SCENARIOS.join(', ')}
  --framework a,b     the adapters the get scenario compares, each with its own bare framework:
                      ${FRAMEWORKS.join(', ')} or all (default all): fastify = tessera serve vs
                      Fastify, express = examples/express vs Express 5, web = examples/hono
                      (tessera/web) vs Hono on @hono/node-server, nest = examples/nest vs NestJS
                      on its Express platform
  --tokens N          outstanding tokens for scale/flush (default 1000000)
  --soak MINUTES      instead of the scenarios: authenticated GETs and refreshes for MINUTES,
                      sampling resident memory, and report its growth
  --loader NAME       wrk or autocannon (default: wrk when installed, e.g. apt-get install wrk,
                      else autocannon); every ratio is to a ceiling loaded the same way
  --json FILE         write the results as JSON
  --chart FILE        the SVG bar chart of ratios (default docs/performance-chart.svg; "none" for none)
  --help              this text
`;

function positive(name: string, value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new Error(`--${name}: ${JSON.stringify(value)} is not a positive number`);
  return Number(value);
}

/** The command line as options; throws a one-line message on bad input. */
export function parseOptions(args: string[], defaultChart: string): BenchOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      duration: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string', default: '50' },
      workers: { type: 'string', default: '1' }, postgres: { type: 'boolean', default: false }, redis: { type: 'boolean', default: false },
      peer: { type: 'boolean', default: false }, only: { type: 'string' }, tokens: { type: 'string', default: '1000000' },
      soak: { type: 'string' }, framework: { type: 'string', default: 'all' }, loader: { type: 'string' }, json: { type: 'string' }, chart: { type: 'string', default: defaultChart }, help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.loader !== undefined && values.loader !== 'wrk' && values.loader !== 'autocannon') {
    throw new Error(`--loader: ${JSON.stringify(values.loader)} is not wrk or autocannon`);
  }
  const only = new Set<ScenarioName>();
  for (const name of (values.only ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--only: unknown scenario ${JSON.stringify(name)} (${SCENARIOS.join(', ')})`);
    only.add(name as ScenarioName);
  }
  const all = new Set<ScenarioName>(SCENARIOS.filter((s) => s !== 'peer'));
  const peer = values.peer || only.has('peer');
  if (peer) all.add('peer');
  return {
    duration: positive('duration', values.duration ?? values.seconds ?? '5'),
    connections: Math.round(positive('connections', values.connections)),
    workers: Math.round(positive('workers', values.workers)),
    postgres: values.postgres,
    redis: values.redis,
    peer,
    only: only.size > 0 ? only : all,
    frameworks: parseFrameworks(values.framework),
    tokens: Math.round(positive('tokens', values.tokens)),
    soakMinutes: values.soak === undefined ? null : positive('soak', values.soak),
    json: values.json ?? null,
    chart: values.chart === 'none' ? null : values.chart,
    loader: values.loader ?? null,
  };
}
