import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import type { ActiveKey, LoginOutcome, RefreshOutcome, TesseraMetrics } from './metrics.js';

/** A name, not a literal, so the CLI's bundler leaves it to Node: prom-client loads only when metrics are on. */
const PROM_CLIENT = 'prom-client';

let loaded: typeof PromClient | null = null;

/** prom-client, required on first use (a CommonJS package: synchronously, so `createTessera` stays synchronous). */
export function promClient(): typeof PromClient {
  return (loaded ??= createRequire(import.meta.url)(PROM_CLIENT) as typeof PromClient);
}

const LOGIN_OUTCOMES: readonly LoginOutcome[] = ['success', 'failure', 'throttled'];
const REFRESH_OUTCOMES: readonly RefreshOutcome[] = ['rotated', 'grace', 'reused', 'refused'];
/** A revocation's announcement is one Redis round trip: sub-millisecond to about a second. */
const FANOUT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export interface PrometheusMetricsOptions {
  /** Where the series are registered; default a registry of their own (`metrics.registry`). */
  registry?: PromClient.Registry;
}

/**
 * tessera's series in a prom-client registry. Outcomes are created at zero, so an alert's
 * `rate()` has a series before the first failure. Gauges aggregate across workers by `max`,
 * counters and histograms by sum (prom-client's AggregatorRegistry).
 */
export class PrometheusMetrics implements TesseraMetrics {
  /** Serve `await registry.metrics()` with `registry.contentType` from your own `/metrics`. */
  readonly registry: PromClient.Registry;
  private readonly logins: PromClient.Counter<'outcome'>;
  private readonly refreshes: PromClient.Counter<'outcome'>;
  private readonly sessions: PromClient.Counter<'reason'>;
  private readonly throttles: PromClient.Counter<'rate'>;
  private readonly fanout: PromClient.Histogram;
  private readonly jwksFailures: PromClient.Counter;
  private readonly http: PromClient.Histogram<'route' | 'status'>;
  private activeKey: (() => ActiveKey | null) | null = null;
  private now: () => number = Date.now;

  constructor(options: PrometheusMetricsOptions = {}) {
    const client = promClient();
    const registers = [(this.registry = options.registry ?? new client.Registry())];
    this.logins = new client.Counter({ name: 'tessera_login_attempts_total', help: 'Login attempts by outcome.', labelNames: ['outcome'], registers });
    for (const outcome of LOGIN_OUTCOMES) this.logins.inc({ outcome }, 0);
    this.refreshes = new client.Counter({ name: 'tessera_token_refreshes_total', help: 'Refresh token uses by outcome.', labelNames: ['outcome'], registers });
    for (const outcome of REFRESH_OUTCOMES) this.refreshes.inc({ outcome }, 0);
    this.sessions = new client.Counter({ name: 'tessera_sessions_ended_total', help: 'Sessions (token families) ended, by reason.', labelNames: ['reason'], registers });
    this.throttles = new client.Counter({ name: 'tessera_throttled_total', help: 'Requests refused by the throttle, by the rate that refused them.', labelNames: ['rate'], registers });
    this.fanout = new client.Histogram({
      name: 'tessera_revocation_fanout_seconds', help: 'Time to announce one revocation to every process through Redis.', buckets: FANOUT_BUCKETS, registers,
    });
    this.jwksFailures = new client.Counter({ name: 'tessera_jwks_fetch_failures_total', help: 'Failed reads of the jwkUrl JWKS.', registers });
    this.jwksFailures.inc(0);
    const metrics = this;
    new client.Gauge({
      name: 'tessera_active_key_age_seconds', help: 'Seconds since the database keyring key that signs (its kid) became active.',
      labelNames: ['kid'], aggregator: 'max', registers,
      collect() {
        // Only the key signing now: after a rotation the old kid's sample goes.
        this.reset();
        const key = metrics.activeKey?.() ?? null;
        if (key) this.set({ kid: key.kid }, Math.max(0, (metrics.now() - key.activatedAt.getTime()) / 1000));
      },
    });
    this.http = new client.Histogram({
      name: 'tessera_http_request_duration_seconds', help: 'Time to answer a request, by route pattern and status.', labelNames: ['route', 'status'], registers,
    });
  }

  loginAttempt(outcome: LoginOutcome): void {
    this.logins.inc({ outcome });
  }

  tokenRefresh(outcome: RefreshOutcome): void {
    this.refreshes.inc({ outcome });
  }

  sessionEnded(reason: string): void {
    this.sessions.inc({ reason });
  }

  throttled(rate: string): void {
    this.throttles.inc({ rate });
  }

  revocationFanout(seconds: number): void {
    this.fanout.observe(seconds);
  }

  jwksFetchFailure(): void {
    this.jwksFailures.inc();
  }

  httpRequest(route: string, status: number, seconds: number): void {
    this.http.observe({ route, status }, seconds);
  }

  watchActiveKey(activeKey: () => ActiveKey | null, now: () => number): void {
    this.activeKey = activeKey;
    this.now = now;
  }
}

/** tessera's Prometheus series in a registry of their own (or `options.registry`): pass to `createTessera({ metrics })`. */
export function prometheusMetrics(options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  return new PrometheusMetrics(options);
}
