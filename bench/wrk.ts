import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Loader, Result } from './scenarios.js';

/**
 * wrk (Debian's package, not an npm dependency) as the load generator. It is C and costs a few
 * microseconds per request where autocannon costs 13-16 us parsing each answer in JavaScript, so
 * the server, not the loader, is what saturates: autocannon left the bare ceiling half idle on
 * these 2-core machines and spent more on tessera's answers than on the ceiling's (more headers),
 * which made the ratio partly a measure of autocannon (docs/performance.md).
 */
export function wrkAvailable(): boolean {
  return !spawnSync('wrk', ['-v'], { stdio: 'ignore' }).error;
}

/** The loader asked for, or wrk when installed and autocannon otherwise; throws when wrk is asked for and missing. */
export function chooseLoader(requested: Loader | null): Loader {
  if (requested === 'wrk' && !wrkAvailable()) throw new Error('--loader wrk: wrk is not installed (apt-get install wrk)');
  return requested ?? (wrkAvailable() ? 'wrk' : 'autocannon');
}

/** A Lua long string holding `text` whatever it contains. */
export function luaString(text: string): string {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  return `[${level}[${text}]${level}]`;
}

// wrk calls `done` once at the end; it prints what the report needs as one JSON line.
const DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"durationUs":%d,"p50":%.3f,"p99":%.3f,"non2xx":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
`;

/** A script sending the same request every time. */
export function fixedRequestScript(method: string, headers: Record<string, string>, body?: string): string {
  const lines = [`wrk.method = ${luaString(method)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`);
  if (body !== undefined) lines.push(`wrk.body = ${luaString(body)}`);
  return lines.join('\n');
}

/**
 * Refresh with rotation: each request takes a refresh token from the pool and a 200 puts its
 * successor back, so no token is presented twice (one wrk thread, so one pool).
 */
export function rotatingRefreshScript(path: string, tokens: string[]): string {
  return `
local pool = { ${tokens.map(luaString).join(', ')} }
local first = pool[1]
request = function()
  local token = table.remove(pool) or first
  return wrk.format("POST", ${luaString(path)}, { ["Content-Type"] = "application/json" }, '{"refresh":"' .. token .. '"}')
end
response = function(status, headers, body)
  if status == 200 then
    local successor = body:match('"refresh"%s*:%s*"([^"]+)"')
    if successor then table.insert(pool, successor) end
  end
end
`;
}

/**
 * Runs `wrk -t1` against `url` with `script` for `seconds` (or until `until` settles: wrk stops on
 * SIGINT and still reports) and returns the row the report prints.
 */
export async function runWrk(
  scenario: string, url: string, options: { seconds: number; connections: number }, script: string, until?: Promise<unknown>,
): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-wrk-'));
  const file = join(dir, 'script.lua');
  writeFileSync(file, `${script}\n${DONE}`);
  try {
    const seconds = Math.max(1, Math.round(options.seconds));
    const connections = String(options.connections);
    const child = spawn('wrk', ['-t1', '-c', connections, '-d', `${seconds}s`, '--timeout', '10s', '-s', file, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    until?.then(() => child.kill('SIGINT'), () => child.kill('SIGINT'));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const line = /WRK_RESULT (\{.*\})/.exec(output);
    if (!line) throw new Error(`wrk (exit ${code}) printed no result: ${output.trim().split('\n').slice(-3).join(' / ')}`);
    const parsed = JSON.parse(line[1]!) as { requests: number; durationUs: number; p50: number; p99: number; non2xx: number; errors: number };
    return {
      scenario,
      requestsPerSecond: Math.round(parsed.requests / (parsed.durationUs / 1e6)),
      p50: Number(parsed.p50.toFixed(1)),
      p99: Number(parsed.p99.toFixed(1)),
      non2xx: parsed.non2xx,
      errors: parsed.errors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
