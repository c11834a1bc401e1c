import type { TreeMemory } from './memory.js';
import { authenticatedGet, postFreshTokens, type LoadOptions, type Result } from './scenarios.js';

/** Resident memory through a long run: idle before and after, and samples under load. */
export interface SoakResult {
  minutes: number;
  idleBeforeMb: number;
  idleAfterMb: number;
  /** Largest per-process RSS at 10% of the run (warmed up) and at its end; growth is the difference. */
  warmMb: number;
  endMb: number;
  growthMb: number;
  peakMb: number;
  samples: { second: number; rssMb: number }[];
  get: Result;
  refresh: Result;
}

const round = (mb: number) => Math.round(mb * 10) / 10;

/** Authenticated GETs and refreshes for `minutes`, sampling the server's memory about 60 times. */
export async function soak(
  memory: () => TreeMemory, minutes: number, load: LoadOptions, access: string, mint: () => string,
): Promise<SoakResult> {
  const idleBeforeMb = round(memory().rssMb);
  const seconds = Math.max(1, Math.round(minutes * 60));
  const samples: { second: number; rssMb: number }[] = [];
  const started = Date.now();
  const every = Math.max(1000, (seconds * 1000) / 60);
  const timer = setInterval(() => samples.push({ second: Math.round((Date.now() - started) / 1000), rssMb: round(memory().rssMb) }), every);
  const [get, refresh] = await Promise.all([
    authenticatedGet('soak: GET /api/user/', { ...load, seconds }, '/api/user/', access),
    postFreshTokens('soak: refresh', { ...load, seconds, connections: Math.max(1, Math.floor(load.connections / 10)) }, '/api/token/refresh/', 'refresh', mint),
  ]);
  clearInterval(timer);
  await new Promise((r) => setTimeout(r, 5000));
  const warm = samples.find((s) => s.second >= seconds / 10) ?? samples[0] ?? { rssMb: idleBeforeMb };
  const endMb = samples.at(-1)?.rssMb ?? idleBeforeMb;
  return {
    minutes, idleBeforeMb, idleAfterMb: round(memory().rssMb), warmMb: warm.rssMb, endMb,
    growthMb: round(endMb - warm.rssMb), peakMb: round(Math.max(...samples.map((s) => s.rssMb), idleBeforeMb)), samples, get, refresh,
  };
}
