import type { Clock } from '../settings/index.js';

export interface RevocationFeedOptions {
  /** tessera's `GET /api/token/revocations/`. */
  url: string;
  /** tessera's `revocationFeedToken`, sent as `Authorization: Bearer <token>`. */
  token: string;
  clock: Clock;
  /** Milliseconds one request may take. */
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
  logger: { warn(message: string): void };
}

/** One answer of the feed, as tessera writes it (`src/contract/views/revocation-feed-views.ts`). */
interface FeedAnswer {
  cursor: string;
  sessions: { family: string; expires: number }[];
  cutoffs: { userId: number; cutoff: number; expires: number }[];
}

/**
 * What tessera has ended that a token's signature cannot tell: sessions (refresh token families,
 * the `fam` claim) and per-user cut-offs (logout everywhere, password change). Each poll asks
 * for what ended since the previous answer's cursor, so a poll costs a few bytes when nothing
 * happened; entries are forgotten when the last token they could refuse has expired. A failed
 * poll changes nothing (the cursor stays, so the next one gets everything missed) and is logged.
 */
export class RevocationFeed {
  /** Ended family -> when its last token expires (ms). */
  private readonly families = new Map<string, number>();
  /** User id -> the latest cut-off (ms) and when the last token it refuses expires. */
  private readonly cutoffs = new Map<number, { cutoff: number; expires: number }>();
  private cursor: string | null = null;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Answers applied, for tests and diagnostics. */
  polls = 0;

  constructor(private readonly options: RevocationFeedOptions) {}

  /** Polls once now, then every `intervalMs` after each poll ends, until `close()`. */
  async start(intervalMs: number): Promise<void> {
    const loop = async (): Promise<void> => {
      await this.poll();
      if (this.closed) return;
      this.timer = setTimeout(() => void loop(), intervalMs);
      this.timer.unref();
    };
    await loop();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Asks the feed now; a poll already running is waited for first, so this one starts after the call. */
  async poll(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.fetchOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** True when `family` (a token's `fam`) is a session tessera ended. */
  isFamilyEnded(family: string): boolean {
    const expires = this.families.get(family);
    if (expires === undefined) return false;
    if (expires > this.options.clock()) return true;
    this.families.delete(family);
    return false;
  }

  /** True when a token of `userId` issued at `iat` (seconds) predates the user's cut-off. */
  isCutOff(userId: number, iat: number): boolean {
    const entry = this.cutoffs.get(userId);
    if (entry === undefined) return false;
    if (entry.expires <= this.options.clock()) {
      this.cutoffs.delete(userId);
      return false;
    }
    // Whole seconds, as tessera: a token issued in the cut-off's own second stays valid.
    return iat < Math.floor(entry.cutoff / 1000);
  }

  private async fetchOnce(): Promise<void> {
    const url = new URL(this.options.url);
    if (this.cursor !== null) url.searchParams.set('since', this.cursor);
    let answer: FeedAnswer;
    try {
      const response = await this.options.fetch(url, {
        headers: { accept: 'application/json', authorization: `Bearer ${this.options.token}` },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok) {
        const hint = response.status === 401 ? ' (is revocationsToken tessera\'s revocationFeedToken?)'
          : response.status === 404 ? ' (is revocationFeedToken set on tessera?)' : '';
        throw new Error(`answered ${response.status}${hint}`);
      }
      answer = readAnswer(await response.json());
    } catch (error) {
      this.options.logger.warn(`revocation feed ${this.options.url} could not be read: ${(error as Error).message}`);
      return;
    }
    this.apply(answer);
  }

  private apply(answer: FeedAnswer): void {
    const now = this.options.clock();
    for (const [family, expires] of this.families) if (expires <= now) this.families.delete(family);
    for (const [userId, entry] of this.cutoffs) if (entry.expires <= now) this.cutoffs.delete(userId);
    for (const { family, expires } of answer.sessions) {
      this.families.set(family, Math.max(expires, this.families.get(family) ?? 0));
    }
    for (const { userId, cutoff, expires } of answer.cutoffs) {
      const known = this.cutoffs.get(userId);
      this.cutoffs.set(userId, { cutoff: Math.max(cutoff, known?.cutoff ?? 0), expires: Math.max(expires, known?.expires ?? 0) });
    }
    this.cursor = answer.cursor;
    this.polls += 1;
  }
}

/** The feed's JSON, checked: a malformed answer throws (and is not applied), a malformed entry is skipped. */
function readAnswer(body: unknown): FeedAnswer {
  const { cursor, sessions, cutoffs } = (body ?? {}) as Record<string, unknown>;
  if (typeof cursor !== 'string' || !/^\d{1,15}$/.test(cursor) || !Array.isArray(sessions) || !Array.isArray(cutoffs)) {
    throw new Error('answered something that is not a revocation feed');
  }
  const answer: FeedAnswer = { cursor, sessions: [], cutoffs: [] };
  for (const entry of sessions as Record<string, unknown>[]) {
    const expires = time(entry?.expires);
    if (typeof entry?.family === 'string' && expires !== null) answer.sessions.push({ family: entry.family, expires });
  }
  for (const entry of cutoffs as Record<string, unknown>[]) {
    const cutoff = time(entry?.cutoff);
    const expires = time(entry?.expires);
    if (Number.isSafeInteger(entry?.user_id) && cutoff !== null && expires !== null) {
      answer.cutoffs.push({ userId: entry.user_id as number, cutoff, expires });
    }
  }
  return answer;
}

function time(value: unknown): number | null {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
}
