/**
 * django-cors-headers with `CORS_ALLOWED_ORIGINS` and `CORS_ALLOW_CREDENTIALS = True`, for every
 * adapter: a listed origin's requests get `Access-Control-Allow-Origin` (its own origin, never
 * `*`) and `Access-Control-Allow-Credentials`; its preflights are answered at once, cached for a
 * day. Any other origin gets no `Access-Control-*` header, so the browser keeps the answer from
 * the page. With no origins listed (the default) nothing changes at all.
 */

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** django-cors-headers' default `CORS_ALLOW_HEADERS` (`Authorization` and `Content-Type` among them), and `X-Tessera-Transport`. */
const ALLOW_HEADERS = 'accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with, x-tessera-transport';
/** django-cors-headers' default `CORS_ALLOW_METHODS`. */
const ALLOW_METHODS = 'DELETE, GET, OPTIONS, PATCH, POST, PUT';
/** django-cors-headers' default `CORS_PREFLIGHT_MAX_AGE`: a day. */
const MAX_AGE = '86400';

export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
  }

  /** False with no origins listed: the adapters then skip CORS entirely. */
  get enabled(): boolean {
    return this.origins.size > 0;
  }

  /** A browser's preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`), answered before any view. */
  isPreflight(method: string, headers: Headers): boolean {
    return this.enabled && method === 'OPTIONS' && typeof headers.origin === 'string' && headers['access-control-request-method'] !== undefined;
  }

  /**
   * The headers for an answer to this request: the allow headers for a listed origin (with the
   * preflight's own when `preflight`), and always `Vary: Origin`, since the answer depends on it.
   */
  headersFor(headers: Headers, preflight = false): Record<string, string> {
    const origin = headers.origin;
    if (typeof origin !== 'string' || !this.origins.has(origin)) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      ...(preflight ? { 'access-control-allow-headers': ALLOW_HEADERS, 'access-control-allow-methods': ALLOW_METHODS, 'access-control-max-age': MAX_AGE } : {}),
    };
  }

  /** `Vary` for every answer while CORS is on: the contract's `Accept`, and `Origin`. */
  get vary(): string {
    return 'Accept, Origin';
  }
}
