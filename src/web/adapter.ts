import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { IsAuthenticated, type Permission } from '../auth/index.js';
import type { Tessera } from '../core/index.js';
import { Throttled } from '../errors.js';
import {
  authorize, errorAnswer, SECURITY_HEADERS, SERVER_ERROR, tesseraViews, ViewPipeline,
  type IncomingCall, type OutgoingAnswer, type TesseraViewOptions, type View,
} from '../contract/index.js';
import type { AuthenticationClassName } from '../settings/index.js';
import type { User } from '../store/index.js';
import type { Token } from '../tokens/index.js';
import { clientIpOf, type ClientIpOptions } from './client-ip.js';

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
   * DRF's answer for a tessera error (with `WWW-Authenticate` on a 401 and `Retry-After` on a 429);
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
  const jwtChallenge = `${tessera.settings.authHeaderTypes[0]} realm="api"`;

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
      const result = await authorize(tessera, credentials, permission, authenticators, new URL(request.url).pathname);
      return { user: result?.user ?? null, auth: result?.token ?? null };
    },
    errorResponse: (error) => {
      const known = errorAnswer(error);
      if (!known) tessera.logger.error('request failed', { reason: (error as Error)?.message });
      const { status: failed, body, challenge: needsChallenge } = known ?? SERVER_ERROR;
      const headers: Record<string, string> = { ...SECURITY_HEADERS };
      let status = failed;
      if (error instanceof Throttled) headers['retry-after'] = String(error.wait);
      if (needsChallenge) {
        const first = tessera.authenticatorsFor()[0];
        const challenge = first ? first.authenticateHeader() : jwtChallenge;
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
  const url = new URL(request.url);
  const headers = headersOf(request);
  // A runtime that builds the Request from the URL alone (a test, an edge platform) may leave out
  // `Host`: the URL's host is the one the client asked for.
  headers.host ??= url.host;
  return {
    method: request.method,
    url: url.pathname + url.search,
    headers,
    ip,
    protocol: url.protocol.slice(0, -1),
    body: request.body ? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>) : null,
  };
}

/** The request's headers as the contract reads them: lower-case names, repeated values joined. */
function headersOf(request: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => { headers[name] = value; });
  return headers;
}

function responseOf(answer: OutgoingAnswer): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return new Response(answer.body, { status: answer.status, headers });
}

/** The path and query of an absolute URL, without parsing it whole (`handle` runs on every request). */
function pathAndQuery(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start < 0 ? '/' : url.slice(start);
}
