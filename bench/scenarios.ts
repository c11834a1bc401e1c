import autocannon from 'autocannon';
import { fixedRequestScript, rotatingRefreshScript, runWrk } from './wrk.js';

export interface Result {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** The load generator: wrk when installed (see bench/wrk.ts), else autocannon. */
export type Loader = 'wrk' | 'autocannon';

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  /** autocannon when not given. `postFreshTokens` always uses autocannon (it mints per request). */
  loader?: Loader;
}

/**
 * Runs autocannon and keeps what the report prints. With `until`, the run ends when that settles
 * (the duration given is then only an upper bound).
 */
export async function load(scenario: string, options: autocannon.Options, until?: Promise<unknown>): Promise<Result> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options }, (error, outcome) => (error ? reject(error) : resolve(outcome)));
    until?.then(() => instance.stop(), () => instance.stop());
  });
  return {
    scenario,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** GET with a Bearer token. */
export function authenticatedGet(scenario: string, { url, seconds, connections, loader }: LoadOptions, path: string, access: string, until?: Promise<unknown>) {
  if (loader === 'wrk') return runWrk(scenario, `${url}${path}`, { seconds, connections }, fixedRequestScript('GET', { Authorization: `Bearer ${access}` }), until);
  return load(scenario, { url: `${url}${path}`, duration: seconds, connections, headers: { authorization: `Bearer ${access}` } }, until);
}

/** POST JSON to `path`. */
export function postJson(scenario: string, { url, seconds, connections, loader }: LoadOptions, path: string, body: unknown) {
  if (loader === 'wrk') {
    return runWrk(scenario, `${url}${path}`, { seconds, connections }, fixedRequestScript('POST', { 'Content-Type': 'application/json' }, JSON.stringify(body)));
  }
  return load(scenario, {
    url: `${url}${path}`, duration: seconds, connections, method: 'POST',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}

/**
 * Refresh with rotation, as clients do it: each request takes a refresh token from a pool and its
 * answer puts the successor back, so no token is ever presented twice. (autocannon's per-request
 * context cannot be relied on to be per connection, so the hand-off goes through the pool.)
 */
export function rotatingRefresh(scenario: string, { url, seconds, connections, loader }: LoadOptions, refreshTokens: string[]) {
  if (loader === 'wrk') return runWrk(scenario, url, { seconds, connections }, rotatingRefreshScript('/api/token/refresh/', refreshTokens));
  const pool = [...refreshTokens];
  return load(scenario, {
    url, duration: seconds, connections,
    requests: [{
      method: 'POST',
      path: '/api/token/refresh/',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ refresh: pool.shift() ?? refreshTokens[0] }) }),
      onResponse: (status, body) => {
        if (status === 200) pool.push(JSON.parse(body).refresh);
      },
    }],
  });
}

/**
 * POST `{field: token}` to `path` with a token no request has presented before, from `nextToken`
 * (minted per request, so the load does not depend on the answers).
 */
export function postFreshTokens(
  scenario: string, { url, seconds, connections }: LoadOptions, path: string, field: string, nextToken: () => string, until?: Promise<unknown>,
) {
  return load(scenario, {
    url, duration: seconds, connections,
    requests: [{
      method: 'POST', path, headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ [field]: nextToken() }) }),
    }],
  }, until);
}
