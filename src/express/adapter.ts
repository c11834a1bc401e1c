import type { IncomingMessage, ServerResponse } from 'node:http';
import './request-types.js';
import { IsAuthenticated, type Permission } from '../auth/index.js';
import type { Tessera } from '../core/index.js';
import {
  authenticatorsTriedOn, authorize, challengeOf, errorAnswer, rememberAuthenticators, SECURITY_HEADERS, SERVER_ERROR, tesseraViews,
  ViewPipeline, type IncomingCall, type OutgoingAnswer, type ErrorAnswer, type TesseraViewOptions, type View,
} from '../contract/index.js';
import type { AuthenticationClassName } from '../settings/index.js';
import type { User } from '../store/index.js';
import type { Token } from '../tokens/index.js';

/** An Express request as tessera reads and decorates it (Express's own `Request` has all of these). */
export interface ExpressRequest extends IncomingMessage {
  ip?: string;
  protocol?: string;
  originalUrl?: string;
  body?: unknown;
  /** The authenticated user; undefined for an anonymous request (as passport has it). */
  user?: User | undefined;
  /** The validated token that authenticated the request, if any. */
  auth?: Token | undefined;
}

export type Next = (error?: unknown) => void;
export type Middleware = (request: ExpressRequest, response: ServerResponse, next: Next) => void;
export type ErrorMiddleware = (error: unknown, request: ExpressRequest, response: ServerResponse, next: Next) => void;

export interface TesseraExpressOptions extends TesseraViewOptions {
  /** Your own views (`defineView`), run through the same pipeline as tessera's. */
  views?: readonly View[];
  /** Bytes a body may have before it is a 413; default `settings.bodyLimit`. */
  bodyLimit?: number;
}

/** What `tesseraExpress` gives an Express application. */
export interface TesseraExpress {
  /**
   * Middleware that answers tessera's views (token, account, session; and `options.views`)
   * exactly as the ready server does; any other URL goes on to the next middleware. Mount it
   * before body parsers such as `express.json()` (it reads its bodies itself, with DRF's errors).
   */
  router: Middleware;
  /**
   * Middleware for your own routes: authenticates with the settings' classes (or the given
   * ones), applies `permission` (default `IsAuthenticated`) and sets `req.user` and `req.auth`;
   * a refusal goes to `errors` as DRF's 401 or 403.
   */
  authenticate(permission?: Permission, options?: { authentication?: AuthenticationClassName[] }): Middleware;
  /** Error middleware: tessera's coded errors as DRF's answers (with `WWW-Authenticate`); others go on. */
  errors: ErrorMiddleware;
  /** DRF's 404 for any URL no one answered, with the contract's headers. */
  notFound: Middleware;
  /** Waits for audit writes still running (call before `tessera.close()`). */
  close(): Promise<void>;
}

/**
 * tessera for Express 5 (or any Connect-style framework): plain `(req, res, next)` middleware over
 * the contract's `ViewPipeline`, so this adapter is only glue: it hands the pipeline the request
 * and writes its answer.
 */
export function tesseraExpress(tessera: Tessera, options: TesseraExpressOptions = {}): TesseraExpress {
  const views = [...tesseraViews(tessera, options), ...(options.views ?? [])];
  const pipeline = new ViewPipeline(tessera, views, { bodyLimit: options.bodyLimit });

  const answer = (request: ExpressRequest, response: ServerResponse, next: Next) => {
    pipeline.answer(incomingCall(request)).then((out) => write(response, out), next);
  };

  return {
    router: (request, response, next) => {
      const { cors } = pipeline;
      if (!pipeline.handles(request.url ?? '/') && !cors.isPreflight(request.method ?? '', request.headers)) {
        // The application's own routes get django-cors-headers' headers too.
        if (cors.enabled) {
          for (const [name, value] of Object.entries({ ...cors.headersFor(request.headers), vary: cors.vary })) response.setHeader(name, value);
        }
        return next();
      }
      answer(request, response, next);
    },
    notFound: answer,
    authenticate: (permission = IsAuthenticated, { authentication } = {}) => {
      const authenticators = tessera.authenticatorsFor(authentication);
      return (request, _response, next) => {
        const credentials = { method: request.method ?? 'GET', headers: request.headers, ip: clientIp(request), body: request.body };
        const now = authenticators[0]?.authenticateNow?.(credentials);
        if (now && permission.hasPermission({ method: credentials.method, user: now.user, token: now.token })) {
          request.user = now.user;
          request.auth = now.token ?? undefined;
          return next();
        }
        // A refusal reaches `errors`, which challenges with these classes, as DRF does.
        rememberAuthenticators(request, authenticators);
        authorize(tessera, credentials, permission, authenticators, request.originalUrl ?? request.url ?? '/').then((result) => {
          request.user = result?.user ?? undefined;
          request.auth = result?.token ?? undefined;
          next();
        }, next);
      };
    },
    errors: (error, request, response, next) => {
      if (response.headersSent) return next(error);
      const known = errorAnswer(error) ?? frameworkError(error);
      if (!known) tessera.logger.error('request failed', { method: request.method, url: request.url, reason: (error as Error)?.message });
      const { status: failed, body: failure, challenge: needsChallenge } = known ?? SERVER_ERROR;
      const { cors } = pipeline;
      const headers: Record<string, string> = { ...SECURITY_HEADERS, ...(cors.enabled ? { vary: cors.vary, ...cors.headersFor(request.headers) } : {}) };
      let status = failed;
      if (needsChallenge) {
        const challenge = challengeOf(authenticatorsTriedOn(request) ?? tessera.authenticatorsFor(), tessera.settings);
        if (challenge) headers['www-authenticate'] = challenge;
        else status = 403;
      }
      const body = JSON.stringify(failure);
      write(response, { status, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }, body });
    },
    close: () => pipeline.close(),
  };
}

/**
 * A 4xx another middleware raised with a message meant for the client (body-parser's, with
 * `expose`), as DRF's `{"detail": ...}`; anything else is unknown.
 */
function frameworkError(error: unknown): ErrorAnswer | null {
  const { status, expose, message } = (error ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || expose !== true) return null;
  return { status, body: { detail: String(message) }, challenge: false };
}

/** What the pipeline needs of an Express request. */
function incomingCall(request: ExpressRequest): IncomingCall {
  // A body parser that ran first (express.json()) has read the stream to its end.
  const parsed = request.readableEnded && request.body !== undefined;
  const consumed = request.readableEnded;
  return {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers: request.headers,
    ip: clientIp(request),
    protocol: request.protocol ?? ((request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'),
    localAddress: request.socket.localAddress,
    body: consumed ? null : request,
    ...(parsed ? { parsed: { value: request.body } } : {}),
  };
}

/** Express's `req.ip` (which follows its `trust proxy` setting), else the socket's address. */
function clientIp(request: ExpressRequest): string {
  return request.ip ?? request.socket.remoteAddress ?? '';
}

/** Writes the pipeline's answer; Express's own extras (`X-Powered-By`, ETag) are not part of the contract. */
function write(response: ServerResponse, answer: OutgoingAnswer): void {
  if (response.headersSent) return;
  response.removeHeader('x-powered-by');
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body ?? undefined);
}

