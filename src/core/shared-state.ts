import type { Kysely } from 'kysely';
import type { Clock, Settings } from '../settings/index.js';
import {
  MemoryCounters, RedisConnection, SharedCounters, TokenFamilyRepository, UserTokenCutoffRepository, type CoreSchema, type Counters, type EndedFamily,
  type RedisLogger,
} from '../store/index.js';
import { Revocation, type TokenBlacklist } from '../tokens/index.js';

/** State every process of a deployment shares: revocations and counters, through Redis when configured. */
export interface SharedState {
  /** The Redis link (`status()`, `ping()` for readiness), or null when `redisUrl` is empty. */
  redis: RedisConnection | null;
  revocation: Revocation;
  counters: Counters;
  close(): Promise<void>;
}

export interface SharedStateOptions {
  settings: Pick<Settings, 'redisUrl' | 'redisKeyPrefix' | 'accessTokenLifetime' | 'refreshTokenLifetime'>;
  db: Kysely<CoreSchema>;
  /** The database blacklist (`store.tokens`). */
  tokens: TokenBlacklist;
  clock: Clock;
  logger?: RedisLogger;
  /** Passed to `RedisConnection` (tests shorten reconnection). */
  maxRetryDelayMs?: number;
  pollIntervalMs?: number;
  /** Told once for every session this process ends (the audit log's `session_ended`). */
  onFamilyEnded?: (ended: EndedFamily, at: Date) => void;
  /** Told when another process announces a signing key revoked. */
  onKeyRevoked?: (kid: string) => void;
  /** Told how long each revocation's announcement through Redis took. */
  onAnnounced?: (seconds: number) => void;
}

/**
 * Connects to Redis when `settings.redisUrl` is set (waiting at most a moment: a Redis that is
 * down at start is a logged warning, not a failed start) and starts the revocation layer.
 */
export async function openSharedState(options: SharedStateOptions): Promise<SharedState> {
  const state = createSharedState(options);
  await state.start();
  return state;
}

/** The shared state, not started yet: nothing is read from the database until `start()`. */
export function createSharedState(options: SharedStateOptions): SharedState & { start(): Promise<void> } {
  const { settings, clock } = options;
  const redis = settings.redisUrl
    ? new RedisConnection(settings.redisUrl, {
      prefix: settings.redisKeyPrefix,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
    })
    : null;
  const revocation = new Revocation({
    tokens: options.tokens,
    cutoffs: new UserTokenCutoffRepository(options.db),
    families: new TokenFamilyRepository(options.db),
    redis,
    clock,
    maxTokenLifetime: Math.max(settings.accessTokenLifetime, settings.refreshTokenLifetime),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.onFamilyEnded ? { onFamilyEnded: options.onFamilyEnded } : {}),
    ...(options.onKeyRevoked ? { onKeyRevoked: options.onKeyRevoked } : {}),
    ...(options.onAnnounced ? { onAnnounced: options.onAnnounced } : {}),
  });
  const close = async () => {
    await revocation.close();
    await redis?.close();
  };
  return {
    redis,
    revocation,
    counters: redis ? new SharedCounters(redis, clock) : new MemoryCounters(clock),
    start: async () => {
      try {
        if (redis) await redis.settled(2000);
        await revocation.start();
      } catch (error) {
        await close();
        throw error;
      }
    },
    close,
  };
}
