import { createHash } from 'node:crypto';
import { errorAnswer } from '../contract/index.js';
import type { RefreshedTokens, Tessera } from '../core/index.js';
import type { User } from '../store/index.js';
import type { SessionInfo } from '../tokens/index.js';

export interface WaveRefresherOptions {
  /**
   * Seconds a refresh's outcome is kept for the late members of its wave (requests that left the
   * browser before the new cookies arrived); default 10. Within it, the old refresh token gets
   * the same new tokens rather than a second refresh, which with rotation would be reuse. Keep it
   * short: during it, whoever holds the old token gets the new ones, as with `refreshGraceWindow`.
   */
  reuseWindow?: number;
  /** Waves remembered at once (a wave is a refresh token); past it the oldest finished ones go. Default 10,000. */
  maxWaves?: number;
  /**
   * How a refresh token is refreshed: default `tessera.tokens.refresh` in this process, recorded
   * in the audit log as the refresh view records it. Give a function to refresh elsewhere (over
   * HTTP, when the proxy runs apart from tessera's database).
   */
  refresh?: (refreshToken: string, client: WaveClient) => Promise<RefreshedTokens>;
}

/** Who asked for a refresh: for the session record and the audit log. */
export interface WaveClient extends SessionInfo {
  /** The URL path the request was for (the audit event's `detail.path`). */
  path?: string;
}

/** A refresh shared by every request that presents the same refresh token within a short window. */
export interface WaveRefresher {
  /**
   * The new tokens for `refreshToken`: one refresh for all callers with the same token while it
   * runs and for `reuseWindow` seconds after; a refusal (blacklisted, expired, reused) is shared
   * the same way. Any other failure (the database down) is not kept: the next caller tries again.
   */
  refresh(refreshToken: string, client?: WaveClient): Promise<RefreshedTokens>;
  /** Refreshes started since creation: what the waves saved is the difference to the callers. */
  readonly refreshes: number;
}

interface Wave {
  outcome: Promise<RefreshedTokens>;
  /** When the outcome stops being shared (tessera's clock); Infinity while the refresh runs. */
  until: number;
}

/**
 * Refreshes once per request wave: parallel requests that carry the same expired access token and
 * refresh token (a page's server components, its prefetches, a burst of tabs) share one refresh,
 * keyed by the refresh token and kept `reuseWindow` seconds for the wave's late members.
 * One per process: in a deployment of several processes, tessera's `refreshGraceWindow` (with
 * `tokenFamilies`) answers a second process's refresh of the same token with the same successor.
 */
export function refreshOncePerWave(tessera: Tessera, options: WaveRefresherOptions = {}): WaveRefresher {
  const windowMs = (options.reuseWindow ?? 10) * 1000;
  const maxWaves = options.maxWaves ?? 10_000;
  const refresh = options.refresh ?? inProcessRefresh(tessera);
  const waves = new Map<string, Wave>();
  let refreshes = 0;

  const forget = (now: number) => {
    for (const [key, wave] of waves) if (wave.until <= now) waves.delete(key);
    // Still full of live waves (a flood of distinct tokens): the oldest finished ones go first.
    for (const [key, wave] of waves) {
      if (waves.size < maxWaves) break;
      if (wave.until !== Number.POSITIVE_INFINITY) waves.delete(key);
    }
  };

  return {
    get refreshes() {
      return refreshes;
    },
    refresh: (refreshToken, client = {}) => {
      const now = tessera.clock();
      // Keyed by a digest: the map holds no presented token, and a long junk cookie costs 43 bytes.
      const key = createHash('sha256').update(refreshToken).digest('base64url');
      const known = waves.get(key);
      if (known && known.until > now) return known.outcome;
      if (waves.size >= maxWaves) forget(now);
      refreshes += 1;
      const wave: Wave = { outcome: refresh(refreshToken, client), until: Number.POSITIVE_INFINITY };
      waves.set(key, wave);
      wave.outcome.then(
        () => { wave.until = tessera.clock() + windowMs; },
        (error: unknown) => {
          // A refusal is the token's fate and is shared; a failure of ours (a database down) is not.
          const refused = (errorAnswer(error)?.status ?? 500) < 500;
          if (refused) wave.until = tessera.clock() + windowMs;
          else if (waves.get(key) === wave) waves.delete(key);
        },
      );
      return wave.outcome;
    },
  };
}

/** `tessera.tokens.refresh`, with the `token_refreshed` audit event the refresh view records. */
function inProcessRefresh(tessera: Tessera): NonNullable<WaveRefresherOptions['refresh']> {
  return async (refreshToken, { path, ...client }) => {
    let subject: User | null = null;
    const answer = await tessera.tokens.refresh(refreshToken, client, (user) => { subject = user; });
    const user = subject as User | null;
    await tessera.audit.record({
      type: 'token_refreshed',
      userId: user?.id ?? null,
      username: user?.username ?? null,
      ip: client.ip ?? '',
      userAgent: client.userAgent ?? '',
      detail: { path: path ?? '', status: 200, wave: true },
    });
    return answer;
  };
}
