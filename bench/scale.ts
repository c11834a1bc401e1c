import type { BenchDatabase } from './backends.js';
import { postFreshTokens, type LoadOptions, type Result } from './scenarios.js';
import { seedOutstandingTokens } from './seed-tokens.js';

/** Refresh (rotate + blacklist) and blacklist latency with `outstanding` tokens in the table. */
export interface ScaleRow {
  outstanding: number;
  seedMs: number;
  refresh: Result;
  blacklist: Result;
}

/**
 * "Refresh at scale": grows the outstanding-token table to each of `sizes` (live tokens, seeded in
 * the database) and measures refresh and blacklist with never-presented tokens at each size.
 * Latency should not depend on the table's size: every lookup goes through an index.
 */
export async function refreshAtScale(
  database: BenchDatabase, sizes: number[], load: LoadOptions, mint: () => string,
): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  let seeded = 0;
  for (const size of sizes) {
    const seedMs = size > seeded ? await seedOutstandingTokens(database, size - seeded, new Date(Date.now() + 86_400_000), `live${size}`) : 0;
    seeded = Math.max(seeded, size);
    const label = size.toLocaleString('en-US');
    const refresh = await postFreshTokens(`refresh with ${label} outstanding`, load, '/api/token/refresh/', 'refresh', mint);
    const blacklist = await postFreshTokens(`blacklist with ${label} outstanding`, load, '/api/token/blacklist/', 'refresh', mint);
    rows.push({ outstanding: size, seedMs, refresh, blacklist });
  }
  return rows;
}
