import { sampledPeak } from './memory.js';
import type { Result } from './scenarios.js';

/** One side of an alternated measurement: the server's pid (for its memory) and its load for one slice. */
export interface Side<Load extends { seconds: number }> {
  pid: number;
  work: (slice: Load) => Promise<Result>;
}

/**
 * Loads the sides in turn, A B A B ..., in slices of at least 2 s that add up to `seconds` per
 * side, so that a machine drifting during the run (a shared VM) weighs on every side alike. One
 * row per side: its rate is the mean of its slices, p50 their mean, p99 the worst, counts summed,
 * peak memory the largest.
 */
export async function alternated<Load extends { seconds: number }>(load: Load, sides: Side<Load>[]): Promise<(Result & { peakRssMb: number })[]> {
  const rounds = Math.max(1, Math.min(4, Math.floor(load.seconds / 2)));
  const slice = { ...load, seconds: load.seconds / rounds };
  const runs: { result: Result; peakRssMb: number }[][] = sides.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, side] of sides.entries()) runs[i]!.push(await sampledPeak(side.pid, () => side.work(slice)));
  }
  return runs.map((slices) => {
    const mean = (pick: (r: Result) => number) => Math.round(slices.reduce((sum, s) => sum + pick(s.result), 0) / slices.length);
    return {
      scenario: slices[0]!.result.scenario,
      requestsPerSecond: mean((r) => r.requestsPerSecond),
      p50: mean((r) => r.p50),
      p99: Math.max(...slices.map((s) => s.result.p99)),
      non2xx: slices.reduce((sum, s) => sum + s.result.non2xx, 0),
      errors: slices.reduce((sum, s) => sum + s.result.errors, 0),
      peakRssMb: Math.max(...slices.map((s) => s.peakRssMb)),
    };
  });
}
