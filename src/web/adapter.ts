import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { IsAuthenticated, type Permission } from '../auth/index.js';
import type { Tessera } from '../core/index.js';
import { Throttled } from '../errors.js';
import {
  authenticatorsTriedOn, authorize, challengeOf, errorAnswer, rememberAuthenticators, SECURITY_HEADERS, SERVER_ERROR, tesseraViews, ViewPipeline,
  type IncomingCall, type OutgoingAnswer, type TesseraViewOptions, type View,
} from '../contract/index.js';
import type { AuthenticationClassName } from '../settings/index.js';
import type { User } from '../store/index.js';
import type { Token } from '../tokens/index.js';
import { clientIpOf, type ClientIpOptions } from './client-ip.js';
import { lazyHeaders, type HeaderRecord } from './request-headers.js';

export interface TesseraWebOptions extends TesseraViewOptions, ClientIpOptions {
  /** Your own views (`defineView`), run through the same pipeline as tessera's. */
  views?: readonly View[];
  /** Bytes a body may have before it is a 413; default `settings.bodyLimit`. */
  bodyLimit?: number;
}

/** What the runtime knows of a request beyond the `Request` itself. */
export interface ClientInfo {
  /** The peer's address (Hono's `getConnInfo(c).remote.address`, Deno's `info.remoteAddr.hostname`). */
  ip?: string;
}

/** Who a request authenticated as: DRF's `request.user` and `request.auth`. */
export interface WebAuthentication {
  /** Null for an anonymous request that the permission lets through (`AllowAny`). */
  user: User | null;
  /** The validated token, when the scheme uses one. */
  auth: Token | null;
}

export interface WebAuthenticateOptions extends ClientInfo {
  /** The authentication classes to try, in order; default the settings' `authenticationClasses`. */
  authentication?: AuthenticationClassName[];
}

/** What `tesseraWeb` gives a Web-standard application (Hono, Next.js route handlers, Bun, Deno). */
export interface TesseraWeb {
  /**
   * The answer to a request for one of tessera's views (token, account, session; and
   * `options.views`), exactly as the ready server's; null for any other URL, which the
   * application routes itself. The request's body is read only when it is one of the views.
   */
  handle(request: Request, client?: ClientInfo): Promise<Response | null>;
  /** As `handle`, with DRF's 404 for any other URL: a whole `fetch` handler. */
  fetch(request: Request, client?: ClientInfo): Promise<Response>;
  /**
   * Authenticates a request for your own routes with the settings' classes (or the given ones)
   * and applies `permission` (default `IsAuthenticated`); a refusal is thrown as a coded error
   * (`NotAuthenticated`, `PermissionDenied`, a token error) for `errorResponse`. The body is not
   * read: a form's CSRF token must come in the `X-CSRFToken` header.
   */
  authenticate(request: Request, permission?: Permission, options?: WebAuthenticateOptions): Promise<WebAuthentication>;
  /**
   * DRF's answer for a tessera error (with `WWW-Authenticate` on a 401, from the classes the
   * `authenticate` that threw it tried, else the settings'; and `Retry-After` on a 429);
   * anything else is logged and answered 500 `{"detail":"A server error occurred."}`.
   */
  errorResponse(error: unknown): Response;
  /** Waits for audit writes still running (call before `tessera.close()`). */
  close(): Promise<void>;
}

/**
 * tessera for the Web-standard `Request`/`Response` API: glue over the contract's `ViewPipeline`,
 * as the Express adapter is, so every answer is the ready server's, byte for byte.
 */
export function tesseraWeb(tessera: Tessera, options: TesseraWebOptions = {}): TesseraWeb {
  const views = [...tesseraViews(tessera, options), ...(options.views ?? [])];
  const pipeline = new ViewPipeline(tessera, views, { bodyLimit: options.bodyLimit });

  const fetch = async (request: Request, client: ClientInfo = {}): Promise<Response> =>
    responseOf(await pipeline.answer(incomingCall(request, clientIpOf(request, client.ip, options))));

  return {
    fetch,
    handle: (request, client) => (pipeline.handles(pathAndQuery(request.url)) ? fetch(request, client) : Promise.resolve(null)),
    authenticate: async (request, permission = IsAuthenticated, { authentication, ip } = {}) => {
      const authenticators = tessera.authenticatorsFor(authentication);
      const credentials = { method: request.method, headers: headersOf(request), ip: clientIpOf(request, ip, options) };
      const now = authenticators[0]?.authenticateNow?.(credentials);
      if (now && permission.hasPermission({ method: credentials.method, user: now.user, token: now.token })) return { user: now.user, auth: now.token };
      try {
        const result = await authorize(tessera, credentials, permission, authenticators, new URL(request.url).pathname);
        return { user: result?.user ?? null, auth: result?.token ?? null };
      } catch (error) {
        // `errorResponse` gets only the error: it carries the classes tried, for the route's challenge.
        if (typeof error === 'object' && error !== null) rememberAuthenticators(error, authenticators);
        throw error;
      }
    },
    errorResponse: (error) => {
      const known = errorAnswer(error);
      if (!known) tessera.logger.error('request failed', { reason: (error as Error)?.message });
      const { status: failed, body, challenge: needsChallenge } = known ?? SERVER_ERROR;
      const headers: Record<string, string> = { ...SECURITY_HEADERS };
      let status = failed;
      if (error instanceof Throttled) headers['retry-after'] = String(error.wait);
      if (needsChallenge) {
        const challenge = challengeOf(authenticatorsTriedOn(error as object) ?? tessera.authenticatorsFor(), tessera.settings);
        if (challenge) headers['www-authenticate'] = challenge;
        else status = 403;
      }
      const text = JSON.stringify(body);
      return responseOf({ status, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }, body: text });
    },
    close: () => pipeline.close(),
  };
}

/** What the pipeline needs of a `Request`. */
function incomingCall(request: Request, ip: string): IncomingCall {
  // An application mistake, not the client's: say so in the log rather than as a locked stream.
  if (request.bodyUsed) throw new TypeError(`tessera/web: the body of ${request.method} ${request.url} was read before tessera's view could read it: call handle() before reading bodies`);
  const { method, url } = request;
  const headers = lazyHeaders(request.headers);
  // A runtime that builds the Request from the URL alone (a test, an edge platform) may leave out
  // `Host`: the URL's host is the one the client asked for.
  if (headers.host === undefined) headers.host = new URL(url).host;
  return {
    method,
    // `Request.url` is already parsed and serialized by the runtime: its path needs no second parse.
    url: pathAndQuery(url),
    headers,
    ip,
    protocol: url.slice(0, url.indexOf(':')),
    // A GET's body is never read (as Fastify's); asking a lightweight Request (@hono/node-server's)
    // for its body would build the whole WHATWG Request.
    body: method === 'GET' || method === 'HEAD' || !request.body ? null : Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>),
  };
}

/** The request's headers as the contract reads them (for `authenticate`, which reads a few). */
function headersOf(request: Request): HeaderRecord {
  return lazyHeaders(request.headers);
}

function responseOf(answer: OutgoingAnswer): Response {
  // A plain record when no header repeats: runtimes copy it without building a `Headers`, and
  // @hono/node-server writes it to Node as it is.
  const repeats = Object.values(answer.headers).some(Array.isArray);
  if (!repeats) return new Response(answer.body, { status: answer.status, headers: answer.headers as Record<string, string> });
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return new Response(answer.body, { status: answer.status, headers });
}

/** The path and query of an absolute URL (no fragment), without parsing it whole (`handle` runs on every request). */
function pathAndQuery(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const hash = url.indexOf('#', start);
  return hash < 0 ? url.slice(start) : url.slice(start, hash);
}
