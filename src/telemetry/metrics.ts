/** The `route` label and span name of a request no route matched (a 404, or a 405 for a URL no route takes). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The database keyring's key that signs, and since when. */
export interface ActiveKey {
  kid: string;
  activatedAt: Date;
}

/** How a login attempt ended: `tessera_login_attempts_total{outcome}`. */
export type LoginOutcome = 'success' | 'failure' | 'throttled';

/**
 * How a refresh ended: `rotated` (a new access token, and a successor when rotating), `grace` (a
 * rotated token again within `refreshGraceWindow`: the successor already issued), `reused` (a
 * rotated token after the window: its session ended), `refused` (any other refusal).
 */
export type RefreshOutcome = 'rotated' | 'grace' | 'reused' | 'refused';

/**
 * What the core counts, where it decides (use cases, the audit and throttle paths): a sink the
 * core is handed (`createTessera({ metrics })`). Absent, the core holds null and each place
 * that counts costs one null check. `prometheusMetrics()` is the one tessera ships.
 */
export interface TesseraMetrics {
  loginAttempt(outcome: LoginOutcome): void;
  tokenRefresh(outcome: RefreshOutcome): void;
  /** A session (token family) this process ended, by the reason recorded for it (`logout`, `reused`, `idle`, ...). */
  sessionEnded(reason: string): void;
  /** A request refused by the throttle, by the rate that refused it (`login_ip`, `refresh_account`, ...). */
  throttled(rate: string): void;
  /** The Redis round trip that announced one revocation to every process. */
  revocationFanout(seconds: number): void;
  /** A failed read of another issuer's JWKS (`jwkUrl`). */
  jwksFetchFailure(): void;
  /** One answered request, by route pattern (never the raw URL) and status. */
  httpRequest(route: string, status: number, seconds: number): void;
  /** Where the signing key in use is read from at each scrape, for its age (null: no database key signs). */
  watchActiveKey(activeKey: () => ActiveKey | null, now: () => number): void;
}
