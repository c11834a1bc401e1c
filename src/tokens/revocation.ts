import type { Clock } from '../settings/index.js';
import {
  toEndReason, type EndedFamily, type FamilyEndReason, type OutstandingToken, type RedisConnection, type TokenFamilyRepository,
  type UserTokenCutoffRepository,
} from '../store/index.js';
import { ExpiringSet } from './expiring-set.js';

/** What tokens need of Simple JWT's blacklist app; the repository and `Revocation` both are one. */
export interface TokenBlacklist {
  recordOutstanding(token: OutstandingToken): Promise<void>;
  /** `exp` (seconds since the epoch), when the caller knows it, bounds how long a yes is remembered. */
  isBlacklisted(jti: string, exp?: number): Promise<boolean>;
  blacklist(token: OutstandingToken, at: Date): Promise<boolean>;
  /**
   * `linkSuccessor` records on the rotated row which token succeeded it, what `rotationOf` reads
   * for the grace window: only token families need it, and it dirties the old row's page.
   */
  rotate(previous: OutstandingToken, successor: OutstandingToken, at: Date, linkSuccessor: boolean): Promise<boolean>;
  /** True when `jti` is known to be revoked without asking the database (an in-memory lookup). */
  knowsRevoked?(jti: string): boolean;
}

/** Per-user cut-offs: every token of the user issued before the cut-off is revoked. */
export interface UserCutoffs {
  /** The user's cut-off, or null; an in-memory lookup, cheap enough for every request. */
  cutoffFor(userId: number): Date | null;
}

/** Ended sessions (refresh token families): every token carrying a revoked `fam` is refused. */
export interface FamilyRevocations {
  /** An in-memory lookup, cheap enough for every request. */
  isFamilyRevoked(family: string): boolean;
  /**
   * Why the family ended, or null when it is live (or its reason is unknown): from memory, else
   * from the database. For refusals only (a refresh that already failed), never the hot path.
   */
  familyEndReason(family: string): Promise<FamilyEndReason | null>;
}

/** True when a token with this `iat` (seconds) was issued before the user's cut-off. */
export function issuedBeforeCutoff(cutoffs: UserCutoffs, userId: number, iat: number): boolean {
  const cutoff = cutoffs.cutoffFor(userId);
  // Whole seconds, as `iat`: a token issued in the cut-off's own second stays valid, so a login
  // right after "log out everywhere" or a password change is never refused.
  return cutoff !== null && iat < Math.floor(cutoff.getTime() / 1000);
}

export interface RevocationOptions {
  /** The database blacklist: the source of truth. */
  tokens: TokenBlacklist;
  cutoffs: UserTokenCutoffRepository;
  /** Refresh token families; absent: `revokeFamily` is unavailable and no family is ever revoked. */
  families?: TokenFamilyRepository | null;
  /** Null without Redis: revocations then reach other processes through the database only. */
  redis: RedisConnection | null;
  clock: Clock;
  /** Longest lifetime of any token, in seconds: how long a cut-off can still refuse one. */
  maxTokenLifetime: number;
  /** Revoked jtis remembered in this process (least recently used go first). Default `REMEMBERED_REVOCATIONS`. */
  maxEntries?: number;
  /** How often cut-offs are read again from the database, in ms. Default 5000. */
  pollIntervalMs?: number;
  /**
   * Told once for every session this process ends (for the audit log), after the database has it.
   * Must not throw.
   */
  onFamilyEnded?: (ended: EndedFamily, at: Date) => void;
  /** Told when another process announces a signing key revoked (`tessera keys revoke`). Must not throw. */
  onKeyRevoked?: (kid: string) => void;
  /** Told how long each announcement to the other processes took (`tessera_revocation_fanout_seconds`). Must not throw. */
  onAnnounced?: (seconds: number) => void;
}

/** Ended sessions and per-user cut-offs after a moment, each with when it stops refusing anything. */
export interface RevocationsSince {
  /** Ended sessions: tokens carrying `fam: family` are refused; none is alive after `until`. */
  families: { family: string; endedAt: Date; until: Date }[];
  /** Cut-offs: the user's tokens issued (`iat`) before `cutoff` are refused; none is alive after `until`. */
  cutoffs: { userId: number; cutoff: Date; until: Date }[];
}

/** What goes over the `<prefix>revoked` channel. */
type RevocationMessage =
  | { jti: string; expiresAt: number } | { userId: number; cutoff: number } | { family: string; until: number; reason: FamilyEndReason | null }
  | { kid: string };

const CHANNEL = 'revoked';

/**
 * Revoked jtis a process remembers by default. The set only saves the database query for a token
 * presented again after its revocation (a live token is always looked up), so it need not hold
 * every revocation: 20,000 is about 2 MB, reached within minutes under steady rotation, after
 * which memory stays flat (200,000 made a 10-minute soak grow by 13 MB and still climbing).
 */
const REMEMBERED_REVOCATIONS = 20_000;

/**
 * Revocation state in front of the database blacklist. `isBlacklisted` answers from a bounded
 * in-process set of jtis known to be revoked before asking the database; every revocation is
 * written to the database first, then published on Redis (`<prefix>revoked`, plus a key that
 * lives as long as the token) so every process adds it to its own set at once. Only revocations
 * are remembered, never "not revoked", so a lost message or an unreachable Redis costs a
 * database query, never a wrong answer. Per-user cut-offs are kept whole in memory (loaded from
 * the database at start, polled, and fanned out the same way).
 */
export class Revocation implements TokenBlacklist, UserCutoffs, FamilyRevocations {
  private readonly revoked: ExpiringSet;
  private readonly cutoffMap = new Map<number, number>();
  /** Revoked family -> when its last token expires (ms) and why it ended; held whole, like the cut-offs. */
  private readonly familyMap = new Map<string, { until: number; reason: FamilyEndReason | null }>();
  private readonly options: RevocationOptions;
  private timer: NodeJS.Timeout | null = null;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(options: RevocationOptions) {
    this.options = options;
    this.revoked = new ExpiringSet(options.maxEntries ?? REMEMBERED_REVOCATIONS, options.clock);
  }

  /** Loads cut-offs, subscribes to the channel and starts polling; call once before use. Never throws. */
  async start(): Promise<void> {
    const { redis } = this.options;
    if (redis) {
      redis.subscribe(CHANNEL, (message) => this.receive(message));
      redis.onReady(() => this.track(this.catchUp()));
      if (redis.status() === 'ready') this.track(this.catchUp());
    }
    // A database that is down at start must not stop the process: the poll loads them once it is back
    // (and Redis's keys meanwhile, when configured).
    await this.refreshCutoffs().catch(() => undefined);
    this.timer = setInterval(() => this.track(this.refreshCutoffs().catch(() => undefined)), this.options.pollIntervalMs ?? 5000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.pending]);
  }

  async recordOutstanding(token: OutstandingToken): Promise<void> {
    await this.options.tokens.recordOutstanding(token);
  }

  async isBlacklisted(jti: string, exp?: number): Promise<boolean> {
    if (this.revoked.has(jti)) return true;
    const blacklisted = await this.options.tokens.isBlacklisted(jti, exp);
    if (blacklisted) {
      const fallback = this.options.clock() + this.options.maxTokenLifetime * 1000;
      this.remember(jti, exp !== undefined && Number.isFinite(exp) ? exp * 1000 : fallback);
    }
    return blacklisted;
  }

  async blacklist(token: OutstandingToken, at: Date): Promise<boolean> {
    const first = await this.options.tokens.blacklist(token, at);
    // Announced even when it was blacklisted already: that one may have happened while Redis was down.
    await this.announceJti(token.jti, token.expiresAt.getTime());
    return first;
  }

  async rotate(previous: OutstandingToken, successor: OutstandingToken, at: Date, linkSuccessor: boolean): Promise<boolean> {
    const rotated = await this.options.tokens.rotate(previous, successor, at, linkSuccessor);
    if (rotated) await this.announceJti(previous.jti, previous.expiresAt.getTime());
    else this.remember(previous.jti, previous.expiresAt.getTime());
    return rotated;
  }

  /** True when this process already knows `jti` is revoked, without asking anyone. */
  knowsRevoked(jti: string): boolean {
    return this.revoked.has(jti);
  }

  /**
   * Revokes every token of `userId` issued before `at` ("log out everywhere", password changes):
   * raised in the database, then in memory and on every other process. Answers the cut-off in force.
   */
  async revokeAllForUser(userId: number, at: Date): Promise<Date> {
    const cutoff = await this.options.cutoffs.raise(userId, at);
    this.rememberCutoff(userId, cutoff.getTime());
    const { redis } = this.options;
    if (redis && redis.status() === 'ready') {
      const ttl = cutoff.getTime() + this.options.maxTokenLifetime * 1000 - this.options.clock();
      if (ttl > 0) {
        await this.send(redis, `revoked:user:${userId}`, String(cutoff.getTime()), ttl, { userId, cutoff: cutoff.getTime() });
      }
    }
    return cutoff;
  }

  cutoffFor(userId: number): Date | null {
    const cutoff = this.cutoffMap.get(userId);
    return cutoff === undefined ? null : new Date(cutoff);
  }

  /**
   * Ends one session (refresh token family) for `reason`: marked revoked and every outstanding
   * token of it blacklisted in the database, then refused in memory here and on every other
   * process, so its access tokens stop working before they expire. True when this call ended it
   * (a family already ended keeps its first reason).
   */
  async revokeFamily(family: string, at: Date, reason: FamilyEndReason = 'logout'): Promise<boolean> {
    const { families } = this.options;
    if (!families) throw new Error('token families are not installed');
    const ended = await families.revoke(family, at, reason);
    if (ended) {
      await this.announceEnded([ended], at);
      return true;
    }
    // Told by another process first, this one may know the real reason already; else the database has it.
    await this.announceFamily(family, at, await this.familyEndReason(family));
    return false;
  }

  /**
   * Sessions the database already marked ended (a login past `sessionsPerUser` ends them in its
   * own transaction): refused in memory here and on every other process, and told to `onFamilyEnded`.
   */
  async announceEnded(ended: readonly EndedFamily[], at: Date): Promise<void> {
    for (const session of ended) {
      await this.announceFamily(session.family, at, session.reason);
      try {
        this.options.onFamilyEnded?.(session, at);
      } catch {
        // An audit hook that fails must not undo an ending the database already has.
      }
    }
  }

  private async announceFamily(family: string, at: Date, reason: FamilyEndReason | null): Promise<void> {
    const { redis } = this.options;
    const until = at.getTime() + this.options.maxTokenLifetime * 1000;
    this.rememberFamily(family, until, reason);
    const ttl = until - this.options.clock();
    // Announced even when it was ended already: that one may have happened while Redis was down.
    if (redis && redis.status() === 'ready' && ttl > 0) {
      await this.send(redis, `revoked:family:${family}`, `${until}:${reason ?? ''}`, ttl, { family, until, reason });
    }
  }

  /**
   * Tells every other process that signing key `kid` is revoked (the database has it already), so
   * its keyring refuses the key now rather than at its next reload. Without Redis the reload (every
   * few seconds) is how it arrives.
   */
  async announceKeyRevoked(kid: string): Promise<void> {
    const { redis } = this.options;
    if (!redis || redis.status() !== 'ready') return;
    // The key outlives every token the revoked key signed, for processes that connect meanwhile.
    const ttl = this.options.maxTokenLifetime * 1000;
    await this.send(redis, `revoked:key:${kid}`, String(this.options.clock() + ttl), ttl, { kid });
  }

  isFamilyRevoked(family: string): boolean {
    const known = this.familyMap.get(family);
    if (known === undefined) return false;
    if (known.until <= this.options.clock()) {
      this.familyMap.delete(family);
      return false;
    }
    return true;
  }

  async familyEndReason(family: string): Promise<FamilyEndReason | null> {
    const known = this.isFamilyRevoked(family) ? this.familyMap.get(family)!.reason : null;
    if (known) return known;
    const row = await this.options.families?.find(family);
    if (!row?.revokedAt) return null;
    this.rememberFamily(family, row.revokedAt.getTime() + this.options.maxTokenLifetime * 1000, row.revokedReason);
    return row.revokedReason;
  }

  /**
   * Sessions ended and cut-offs raised after `since` (never earlier than the longest token
   * lifetime ago: older ones refuse nothing), read from the database, which every node writes
   * first: what other services poll (`GET /api/token/revocations/`).
   */
  async listSince(since: Date): Promise<RevocationsSince> {
    const lifetime = this.options.maxTokenLifetime * 1000;
    const from = new Date(Math.max(since.getTime(), this.options.clock() - lifetime));
    const [cutoffs, families] = await Promise.all([
      this.options.cutoffs.listSince(from),
      this.options.families?.listRevokedSince(from) ?? [],
    ]);
    return {
      families: families.map(({ family, revokedAt }) => ({ family, endedAt: revokedAt, until: new Date(revokedAt.getTime() + lifetime) })),
      cutoffs: cutoffs.map(({ userId, cutoff }) => ({ userId, cutoff, until: new Date(cutoff.getTime() + lifetime) })),
    };
  }

  /** Reads live cut-offs from the database again: how they reach processes when Redis is absent or was down. */
  async refreshCutoffs(): Promise<void> {
    const since = new Date(this.options.clock() - this.options.maxTokenLifetime * 1000);
    for (const [userId, cutoff] of this.cutoffMap) if (cutoff <= since.getTime()) this.cutoffMap.delete(userId);
    for (const { userId, cutoff } of await this.options.cutoffs.listSince(since)) this.rememberCutoff(userId, cutoff.getTime());
    const { families } = this.options;
    if (!families) return;
    const now = this.options.clock();
    for (const [family, { until }] of this.familyMap) if (until <= now) this.familyMap.delete(family);
    for (const { family, revokedAt, reason } of await families.listRevokedSince(since)) {
      this.rememberFamily(family, revokedAt.getTime() + this.options.maxTokenLifetime * 1000, reason);
    }
  }

  private rememberFamily(family: string, until: number, reason: FamilyEndReason | null): void {
    const known = this.familyMap.get(family);
    if (known === undefined) this.familyMap.set(family, { until, reason });
    else this.familyMap.set(family, { until: Math.max(known.until, until), reason: known.reason ?? reason });
  }

  private remember(jti: string, expiresAt: number): void {
    this.revoked.add(jti, expiresAt);
  }

  private rememberCutoff(userId: number, cutoff: number): void {
    const known = this.cutoffMap.get(userId);
    if (known === undefined || known < cutoff) this.cutoffMap.set(userId, cutoff);
  }

  private async announceJti(jti: string, expiresAt: number): Promise<void> {
    this.remember(jti, expiresAt);
    const { redis } = this.options;
    const ttl = expiresAt - this.options.clock();
    if (!redis || redis.status() !== 'ready' || ttl <= 0) return;
    await this.send(redis, `revoked:jti:${jti}`, String(expiresAt), ttl, { jti, expiresAt });
  }

  /** One round trip: the key (for processes that connect later) and the message (for those up now). */
  private async send(redis: RedisConnection, key: string, value: string, ttlMs: number, message: RevocationMessage): Promise<void> {
    const started = this.options.onAnnounced ? performance.now() : 0;
    try {
      await redis.client
        .multi()
        .set(redis.prefix + key, value, 'PX', Math.ceil(ttlMs))
        .publish(redis.prefix + CHANNEL, JSON.stringify(message))
        .exec();
      this.options.onAnnounced?.((performance.now() - started) / 1000);
    } catch {
      // Redis went away mid-way: the database has the revocation, other processes will ask it.
    }
  }

  private receive(raw: string): void {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const { jti, expiresAt, userId, cutoff, family, until, reason, kid } = message as Record<string, unknown>;
    if (typeof kid === 'string') this.keyRevoked(kid);
    else if (typeof jti === 'string' && typeof expiresAt === 'number') this.remember(jti, expiresAt);
    else if (typeof family === 'string' && typeof until === 'number') this.rememberFamily(family, until, toEndReason(reason));
    else if (typeof userId === 'number' && Number.isInteger(userId) && typeof cutoff === 'number') this.rememberCutoff(userId, cutoff);
  }

  /**
   * After (re)connecting, reads the revocations other processes wrote to Redis while this one
   * was not listening; bounded by the size of the local set.
   */
  private async catchUp(): Promise<void> {
    const { redis } = this.options;
    if (!redis) return;
    const base = redis.prefix + 'revoked:';
    const limit = this.options.maxEntries ?? REMEMBERED_REVOCATIONS;
    let cursor = '0';
    let seen = 0;
    try {
      do {
        const [next, keys] = await redis.client.scan(cursor, 'MATCH', `${escapeGlob(base)}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length === 0) continue;
        const values = await redis.client.mget(...keys);
        keys.forEach((key, i) => {
          // A family's value is `<until>:<reason>`; the others are a bare number.
          const [number, reason] = (values[i] ?? '').split(':');
          const value = Number(number);
          if (!Number.isFinite(value)) return;
          const rest = key.slice(base.length);
          if (rest.startsWith('jti:')) this.remember(rest.slice(4), value);
          else if (rest.startsWith('family:')) this.rememberFamily(rest.slice(7), value, toEndReason(reason));
          else if (rest.startsWith('user:') && /^\d+$/.test(rest.slice(5))) this.rememberCutoff(Number(rest.slice(5)), value);
          else if (rest.startsWith('key:')) this.keyRevoked(rest.slice(4));
        });
        seen += keys.length;
      } while (cursor !== '0' && seen < limit);
    } catch {
      // Redis went away again; the next `ready` catches up.
    }
  }

  private keyRevoked(kid: string): void {
    try {
      this.options.onKeyRevoked?.(kid);
    } catch {
      // The keyring's reload refuses the key anyway.
    }
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}

/** Escapes Redis glob characters in a key prefix used in SCAN's MATCH. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
