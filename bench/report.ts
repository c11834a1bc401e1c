import { writeFileSync } from 'node:fs';
import { ratioChart } from './chart.js';
import type { FlushResult } from './flush.js';
import type { ScaleRow } from './scale.js';
import type { Result } from './scenarios.js';
import type { SoakResult } from './soak.js';
import type { RemoteVerification } from './remote-verification.js';
import type { Verification } from './verification.js';

/** A throughput scenario as reported: its numbers, the server's peak RSS during it, and the ratio to the ceiling. */
export interface Row extends Result {
  peakRssMb: number;
  ratio: number | null;
  /** The ceiling's rate in the slices alternated with this row's, when it was measured so. */
  ceilingRequestsPerSecond?: number;
}

/** One adapter's line of the comparison, as `--json` writes it. */
export interface FrameworkRow {
  framework: string;
  requestsPerSecond: number;
  ceilingRequestsPerSecond: number;
  /** Goal: at least 0.75. */
  ratio: number;
  /** The server's CPU microseconds per request, tessera's and the ceiling's, and the ceiling's over tessera's. */
  cpuUs: number;
  ceilingCpuUs: number;
  cpuRatio: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** tessera's server on this adapter at rest (goal: under 80 MB), and the bare framework's. */
  idleRssMb: number;
  ceilingIdleRssMb: number;
}

/** Everything one run measured; `--json` writes exactly this. */
export interface Summary {
  date: string;
  node: string;
  options: { loader: string; duration: number; connections: number; workers: number; database: string; redis: boolean; tokens: number };
  /** Each adapter's authenticated GET against its own bare framework, at tessera's default settings. */
  frameworks: FrameworkRow[];
  coldStartMs: number | null;
  memory: { atFirstAnswerRssMb: number; idleRssMb: number; peakRssMb: number; processes: number } | null;
  verification: Verification | null;
  /** `tessera/verify` against raw fast-jwt, in process (ES256). */
  remoteVerification: RemoteVerification | null;
  results: Row[];
  peer: { skipped: string | null; getRatio: number | null };
  scale: ScaleRow[];
  flush: FlushResult | null;
  soak: SoakResult | null;
}

/**
 * Scenario results with their ratio to a ceiling: a row measured alternated with its ceiling (each
 * adapter's GET, refresh) carries that ceiling's rate and is taken against it; any other against
 * `fallbackCeiling` (bare Fastify's GET), or none when that did not run.
 */
export function withRatios(rows: (Result & { peakRssMb: number; ceilingRequestsPerSecond?: number })[], fallbackCeiling: number | undefined): Row[] {
  return rows.map((r) => {
    const against = r.ceilingRequestsPerSecond ?? fallbackCeiling ?? 0;
    return { ...r, ratio: against > 0 ? Number((r.requestsPerSecond / against).toFixed(3)) : null };
  });
}

/** Prints the run as tables and lines a person reads. */
export function printSummary(s: Summary): void {
  if (s.results.length > 0) {
    console.log(`loaded with ${s.options.loader}, ${s.options.connections} connections`);
    console.table(s.results.map((r) => ({
      scenario: r.scenario + (r.ceilingRequestsPerSecond ? ` [ceiling beside it ${r.ceilingRequestsPerSecond}/s]` : ''), 'req/s': r.requestsPerSecond, 'p50 ms': r.p50, 'p99 ms': r.p99, 'peak RSS MB': r.peakRssMb, ratio: r.ratio, 'non-2xx': r.non2xx, errors: r.errors,
    })));
  }
  for (const f of s.frameworks) {
    console.log(`${f.framework}: authenticated GET ${f.requestsPerSecond}/s, bare ${f.ceilingRequestsPerSecond}/s: ratio ${f.ratio} (goal >= 0.75); `
      + `CPU ${f.cpuUs} us a request, bare ${f.ceilingCpuUs} us: ratio ${f.cpuRatio}; idle ${f.idleRssMb} MB (bare ${f.ceilingIdleRssMb} MB)${f.non2xx > 0 ? `; ${f.non2xx} non-2xx answers` : ''}`);
  }
  if (s.coldStartMs !== null) console.log(`cold start to first answer: ${s.coldStartMs} ms`);
  if (s.memory) console.log(`tessera serve (scenarios) resident memory: ${s.memory.atFirstAnswerRssMb} MB at the first answer, idle ${s.memory.idleRssMb} MB 2 s later, peak ${s.memory.peakRssMb} MB (largest of ${s.memory.processes} process(es))`);
  if (s.verification) {
    const v = s.verification;
    console.log(`in-process verification: tessera ${v.tesseraPerSecond}/s vs fast-jwt ${v.fastJwtPerSecond}/s (ratio ${v.ratio}); `
      + `the same token again, both caching: ${v.tesseraCachedPerSecond}/s vs ${v.fastJwtCachedPerSecond}/s (ratio ${v.cachedRatio})`);
  }
  if (s.remoteVerification) {
    const v = s.remoteVerification;
    console.log(`tessera/verify (ES256, per CPU second): ${v.verifyPerSecond}/s vs fast-jwt ${v.fastJwtPerSecond}/s (ratio ${v.ratio}, goal >= 0.9); `
      + `the same token again, both caching: ${v.verifyCachedPerSecond}/s vs ${v.fastJwtCachedPerSecond}/s (ratio ${v.cachedRatio})`);
  }
  if (s.peer.skipped) console.log(`peer: skipped: ${s.peer.skipped}`);
  if (s.peer.getRatio !== null) console.log(`authenticated GET: tessera ${s.peer.getRatio}x the Simple JWT peer (goal: >= 20x with --workers 2)`);
  if (s.scale.length > 0) {
    console.table(s.scale.map((r) => ({
      outstanding: r.outstanding, 'seed ms': r.seedMs,
      'refresh req/s': r.refresh.requestsPerSecond, 'refresh p50': r.refresh.p50, 'refresh p99': r.refresh.p99,
      'blacklist req/s': r.blacklist.requestsPerSecond, 'blacklist p50': r.blacklist.p50, 'blacklist p99': r.blacklist.p99,
      'non-2xx': r.refresh.non2xx + r.blacklist.non2xx,
    })));
  }
  if (s.flush) {
    const f = s.flush;
    console.log(`flushexpiredtokens: ${f.expiredRows.toLocaleString('en-US')} expired rows in ${(f.flushMs / 1000).toFixed(1)} s (goal < 10 s), `
      + `of which ${(f.emptyFlushMs / 1000).toFixed(1)} s is the command's start-up (a run with nothing to delete); "${f.output}"`);
    console.log(`  GET p99 alone ${f.getAlone.p99} ms, during the flush ${f.getDuring.p99} ms (${f.getDuring.requestsPerSecond} req/s, non-2xx ${f.getDuring.non2xx}, errors ${f.getDuring.errors})`);
    console.log(`  refresh during the flush: p99 ${f.refreshDuring.p99} ms, ${f.refreshDuring.requestsPerSecond} req/s, non-2xx ${f.refreshDuring.non2xx}, errors ${f.refreshDuring.errors}`);
  }
  if (s.soak) {
    const k = s.soak;
    console.log(`soak ${k.minutes} min: RSS idle ${k.idleBeforeMb} MB before, ${k.idleAfterMb} MB after; under load ${k.warmMb} MB warm -> ${k.endMb} MB at the end (growth ${k.growthMb} MB, peak ${k.peakMb} MB)`);
    console.log(`  GET ${k.get.requestsPerSecond} req/s p99 ${k.get.p99} ms; refresh ${k.refresh.requestsPerSecond} req/s p99 ${k.refresh.p99} ms; non-2xx ${k.get.non2xx + k.refresh.non2xx}`);
  }
}

/** Writes the JSON file and the SVG chart of ratios, when asked for. */
export function writeOutputs(s: Summary, json: string | null, chart: string | null): void {
  if (json) writeFileSync(json, `${JSON.stringify(s, null, 2)}\n`);
  const bars = s.results.filter((r) => r.ratio !== null).map((r) => ({ label: r.scenario, ratio: r.ratio!, requestsPerSecond: r.requestsPerSecond }));
  if (chart && bars.length > 1) {
    const o = s.options;
    const subtitle = `${s.date.slice(0, 10)}, Node ${s.node}, ${o.database}${o.redis ? ' + Redis' : ''}, ${o.workers} worker(s), ${o.loader}, ${o.connections} connections, ${o.duration} s each`;
    writeFileSync(chart, ratioChart('tessera: requests/s as a fraction of its bare framework (ceiling rows)', subtitle, bars));
  }
}
