import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BenchDatabase } from './backends.js';
import { authenticatedGet, postFreshTokens, type LoadOptions, type Result } from './scenarios.js';
import { seedOutstandingTokens } from './seed-tokens.js';

/** `tessera flushexpiredtokens` on a large table, and what requests saw meanwhile. */
export interface FlushResult {
  expiredRows: number;
  seedMs: number;
  /** The command's whole run, and a second run with nothing left to delete (its start-up cost). */
  flushMs: number;
  emptyFlushMs: number;
  output: string;
  /** Authenticated GETs alone, then while the flush runs. */
  getAlone: Result;
  getDuring: Result;
  /** Refreshes (writes: rotate + blacklist) while the flush runs. */
  refreshDuring: Result;
}

/**
 * Seeds `count` expired outstanding tokens, measures authenticated GETs alone, then runs the flush
 * command as its own process while GETs and refreshes load the running server until it exits.
 */
export async function measureFlush(
  database: BenchDatabase, count: number, load: LoadOptions, access: string, mint: () => string,
  cli: string, env: NodeJS.ProcessEnv, cwd: string,
): Promise<FlushResult> {
  // A latency comparison, not a throughput one: autocannon keeps the server short of saturation,
  // where wrk's p99 moves with every pause of a saturated process (12-62 ms for GETs alone).
  load = { ...load, loader: 'autocannon' };
  const seedMs = await seedOutstandingTokens(database, count, new Date(Date.now() - 86_400_000), 'expired');
  const getAlone = await authenticatedGet('GET /api/user/ alone', load, '/api/user/', access);
  const started = Date.now();
  const flush = promisify(execFile)(process.execPath, [cli, 'flushexpiredtokens'], { env: { ...process.env, ...env }, cwd, timeout: 600_000 });
  const finished = flush.then(() => undefined, () => undefined);
  // The duration is only a cap here: both loads stop when the flush process exits.
  const during = { ...load, seconds: 600, connections: Math.max(1, Math.floor(load.connections / 2)) };
  const [getDuring, refreshDuring, outcome] = await Promise.all([
    authenticatedGet('GET /api/user/ during flush', during, '/api/user/', access, finished),
    postFreshTokens('refresh during flush', { ...during, connections: Math.max(1, Math.floor(load.connections / 10)) }, '/api/token/refresh/', 'refresh', mint, finished),
    flush.then((r) => ({ ms: Date.now() - started, output: r.stdout.trim() })),
  ]);
  const again = Date.now();
  await promisify(execFile)(process.execPath, [cli, 'flushexpiredtokens'], { env: { ...process.env, ...env }, cwd, timeout: 600_000 });
  const emptyFlushMs = Date.now() - again;
  return { expiredRows: count, seedMs, flushMs: outcome.ms, emptyFlushMs, output: outcome.output, getAlone, getDuring, refreshDuring };
}
