import type { Readable } from 'node:stream';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { LoginReservation } from '../auth/index.js';
import type { Tessera } from '../core/index.js';
import { NotFound, ParseError, Throttled } from '../errors.js';
import type { User } from '../store/index.js';
import type { Token } from '../tokens/index.js';
import { AbuseControl, type GuardedCall } from './abuse-control.js';
import { AllowedHosts, DisallowedHost, hostOfAddress } from './allowed-hosts.js';
import { CorsPolicy } from './cors.js';
import { authorize } from './authorize.js';
import { challengeOf } from './challenge.js';
import { readBody } from './read-body.js';
import { errorAnswer, SERVER_ERROR } from './error-answers.js';
import { SECURITY_HEADERS } from './headers.js';
import { MethodNotAllowed } from './http-errors.js';
import { requestDataOf } from './body-parsing.js';
import { indentJson, negotiate } from './negotiation.js';
import { METADATA_ACTION_METHODS, viewMetadata } from './view-metadata.js';
import { ViewTable, type ViewEntry, type ViewMatch } from './view-table.js';
import type { View, ViewConfig, ViewRequest } from './view.js';
import type { Field } from './fields.js';
import { activeTracer, UNMATCHED_ROUTE, type TesseraMetrics } from '../telemetry/index.js';

/** A request as an adapter hands it to the pipeline. */
export interface IncomingCall {
  method: string;
  /** Path and query as requested. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  ip: string;
  protocol: string;
  /** The address the request arrived at: the host of a request that sent no `Host` (HTTP/1.0). */
  localAddress?: string;
  /** The body still to read, or null when there is none to read. */
  body: Readable | null;
  /** A body the framework already parsed (e.g. `express.json()` ran first): used as `request.data`. */
  parsed?: { value: unknown };
}

/** What the adapter writes back: status, headers (`set-cookie` may repeat) and body bytes. */
export interface OutgoingAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  /** Null: no body (HEAD, 204). */
  body: string | null;
}

export interface PipelineOptions {
  /** Bytes a body may have before it is a 413 (Fastify's `bodyLimit`); default `settings.bodyLimit`. */
  bodyLimit?: number;
}

/**
 * DRF's request pipeline for adapters whose framework has no hooks to hang it on: the same steps,
 * in the same order, as the Fastify adapter's hooks. Allowed hosts, content negotiation (406),
 * body parsing (415, 413; a malformed body noted for later), 405 and OPTIONS from the views at
 * the URL, authentication and permission (`authorize`), the throttle, the malformed body's 400,
 * the view, the audit log, and every answer's headers: the security set, `Allow`, JSON's type.
 */
export class ViewPipeline {
  private readonly table: ViewTable;
  private readonly hosts: AllowedHosts;
  /** django-cors-headers, for every URL the adapter hands over (`corsAllowedOrigins`). */
  readonly cors: CorsPolicy;
  private readonly abuse: AbuseControl;
  private readonly bodyLimit: number;
  private readonly metrics: TesseraMetrics | null;
  private readonly tracer: Tracer | null;
  private lastOutageLog = Number.NEGATIVE_INFINITY;

  constructor(private readonly tessera: Tessera, views: readonly View[], options: PipelineOptions = {}) {
    const { settings } = tessera;
    this.table = new ViewTable(views);
    this.hosts = new AllowedHosts(settings.allowedHosts);
    this.cors = new CorsPolicy(settings.corsAllowedOrigins);
    this.abuse = new AbuseControl(tessera, (message, detail) => tessera.logger.error(message, detail));
    this.bodyLimit = options.bodyLimit ?? settings.bodyLimit;
    this.metrics = tessera.metrics;
    // Asked once: with no OpenTelemetry SDK registered, no request pays for a span.
    this.tracer = activeTracer();
  }

  /** Whether a path is one of the pipeline's views (an adapter hands other requests on). */
  handles(url: string): boolean {
    return this.table.match(pathOf(url)) !== null;
  }

  /** The answer to a request for one of the views; for any other URL, DRF's 404. */
  async answer(call: IncomingCall): Promise<OutgoingAnswer> {
    const match = this.table.match(pathOf(call.url));
    if (this.metrics === null && this.tracer === null) return this.respond(call, match);
    return this.observe(call, match);
  }

  /** `respond`, in a span named by the route pattern (never the URL) and timed by route and status. */
  private async observe(call: IncomingCall, match: ViewMatch | null): Promise<OutgoingAnswer> {
    const route = match?.entry.pattern ?? UNMATCHED_ROUTE;
    const started = performance.now();
    let answer: OutgoingAnswer;
    if (this.tracer) {
      const parent = propagation.extract(context.active(), call.headers);
      answer = await this.tracer.startActiveSpan(`${call.method} ${route}`, {
        kind: SpanKind.SERVER, attributes: { 'http.request.method': call.method, 'http.route': route, 'url.scheme': call.protocol },
      }, parent, async (span) => {
        try {
          const answered = await this.respond(call, match);
          span.setAttribute('http.response.status_code', answered.status);
          if (answered.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          return answered;
        } finally {
          span.end();
        }
      });
    } else {
      answer = await this.respond(call, match);
    }
    this.metrics?.httpRequest(route, answer.status, (performance.now() - started) / 1000);
    return answer;
  }

  private async respond(call: IncomingCall, match: ViewMatch | null): Promise<OutgoingAnswer> {
    const request = new PipelineRequest(call, match?.params ?? {});
    const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS };
    if (match) headers.allow = match.entry.allow;
    const method = call.method === 'HEAD' ? 'GET' : call.method;
    const view = match?.entry.byMethod.get(method as never);
    let indent: number | null = null;
    let reservation: LoginReservation | null = null;
    let status = 200;
    let body: unknown;
    try {
      // Django's ALLOWED_HOSTS first, on every URL; only a request without any Host falls back.
      const host = call.headers.host === undefined ? hostOfAddress(call.localAddress) : request.host;
      if (!this.hosts.allows(host)) {
        this.tessera.logger.warn(new DisallowedHost(host).message);
        throw new DisallowedHost(host);
      }
      // A browser's preflight is answered before any view (django-cors-headers' middleware).
      if (this.cors.isPreflight(call.method, call.headers)) {
        delete headers.allow;
        Object.assign(headers, this.cors.headersFor(call.headers, true), { vary: this.cors.vary, 'content-length': '0' });
        return { status: 200, headers, body: null };
      }
      if (!match) throw new NotFound();
      // DRF negotiates the renderer before authenticating: a 406 comes before a 401. A URL
      // without the method is Fastify's not-found route there, which skips negotiation.
      if (view) indent = negotiate(headerOf(call.headers.accept)).indent;
      await this.readBody(call, request);
      if (!view) {
        body = await this.otherMethod(match.entry, request);
      } else {
        body = await this.run(view, match.entry, request, {
          status: (code) => { status = code; },
          header: (name, value) => addHeader(headers, name.toLowerCase(), value),
        }, (taken) => { reservation = taken; });
      }
    } catch (error) {
      const failed = this.errorAnswer(error, call, view?.config);
      status = failed.status;
      body = failed.body;
      Object.assign(headers, failed.headers);
    }
    if (view && AbuseControl.watches(view.config)) {
      await this.abuse.settle(this.guardedCall(view, match!.entry, request), status, reservation);
    }
    if (this.cors.enabled) Object.assign(headers, this.cors.headersFor(call.headers), { vary: this.cors.vary });
    return finish(status, headers, body, indent, call.method === 'HEAD');
  }

  /** Waits for audit writes still running (the server is closing). */
  async close(): Promise<void> {
    await this.abuse.drain();
  }

  private async run(
    view: View, entry: ViewEntry, request: PipelineRequest, reply: { status(code: number): void; header(name: string, value: string): void },
    reserved: (reservation: LoginReservation | null) => void,
  ): Promise<unknown> {
    const { config } = view;
    if (config.permission) await this.authorize(config.permission, config, request, entry.pattern);
    if (AbuseControl.watches(config)) reserved(await this.abuse.reserve(this.guardedCall(view, entry, request)));
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.malformed) throw request.malformed;
    return view.handle(request, reply);
  }

  /** DRF answers a method the view lacks with 405 after authentication, and OPTIONS itself. */
  private async otherMethod(entry: ViewEntry, request: PipelineRequest): Promise<unknown> {
    const first = entry.byMethod.values().next().value!.config;
    if (first.permission) await this.authorize(first.permission, first, request, entry.pattern);
    if (request.method !== 'OPTIONS') throw new MethodNotAllowed(request.method);
    return viewMetadata(first, writableFields(entry, request.user, request.auth));
  }

  private async authorize(permission: NonNullable<ViewConfig['permission']>, config: ViewConfig, request: PipelineRequest, route: string): Promise<void> {
    const authenticators = this.tessera.authenticatorsFor(config.authentication);
    // A token seen before, its user read a moment ago: no promise (`Authenticator.authenticateNow`).
    const now = authenticators[0]?.authenticateNow?.(request);
    if (now && permission.hasPermission({ method: request.method, user: now.user, token: now.token })) {
      request.authenticated(now.user, now.token);
      return;
    }
    const result = await authorize(this.tessera, request, permission, authenticators, route);
    request.authenticated(result?.user ?? null, result?.token ?? null);
  }

  private async readBody(call: IncomingCall, request: PipelineRequest): Promise<void> {
    if (call.parsed) return request.parsed(call.parsed.value);
    if (call.method === 'GET' || call.method === 'HEAD' || !call.body) return;
    const parsed = await readBody(call.body, call.headers, this.bodyLimit);
    if (parsed === null) return;
    if ('error' in parsed) request.malformed = parsed.error;
    else request.parsed(parsed.value);
  }

  private guardedCall(view: View, entry: ViewEntry, request: PipelineRequest): GuardedCall {
    return { request, route: entry.pattern, config: view.config };
  }

  private errorAnswer(error: unknown, call: IncomingCall, config: ViewConfig | undefined): { status: number; body: unknown; headers: Record<string, string> } {
    const answer = errorAnswer(error) ?? SERVER_ERROR;
    const headers: Record<string, string> = {};
    if (answer.status === 503) {
      if (Date.now() - this.lastOutageLog >= 10_000) {
        this.lastOutageLog = Date.now();
        this.tessera.logger.warn(`database unavailable; answering 503: ${(error as Error).message}`);
      }
    } else if (answer.status >= 500) {
      this.tessera.logger.error('request failed', { method: call.method, url: pathOf(call.url), reason: (error as Error)?.message });
    }
    if (error instanceof Throttled) headers['retry-after'] = String(error.wait);
    if (answer.challenge) {
      const challenge = challengeOf(this.tessera.authenticatorsFor(config?.authentication), this.tessera.settings);
      if (!challenge) return { status: 403, body: answer.body, headers };
      headers['www-authenticate'] = challenge;
    }
    return { status: answer.status, body: answer.body, headers };
  }
}

/** The request a view sees: the call, its parameters, its parsed body, and who it authenticated as. */
class PipelineRequest implements ViewRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly ip: string;
  readonly protocol: string;
  readonly host: string;
  user: User | null = null;
  auth: Token | null = null;
  /** The parse error of a malformed body, raised when the view would read it (DRF's order). */
  malformed: ParseError | null = null;
  private parsedBody: unknown;

  constructor(call: IncomingCall, readonly params: Readonly<Record<string, string>>) {
    this.method = call.method;
    this.url = call.url;
    this.headers = call.headers;
    this.ip = call.ip;
    this.protocol = call.protocol;
    this.host = headerOf(call.headers.host) ?? '';
  }

  get data(): unknown {
    return requestDataOf(this.parsedBody, headerOf(this.headers['content-type']) ?? '');
  }

  /** The parsed body as sent (Django's CSRF check reads a form's token from it). */
  get body(): unknown {
    return this.parsedBody;
  }

  parsed(value: unknown): void {
    this.parsedBody = value;
  }

  authenticated(user: User | null, auth: Token | null): void {
    this.user = user;
    this.auth = auth;
  }
}

/** DRF's `determine_actions`: for PUT and POST, the fields of the views that take them, where the permission lets this user send them. */
function writableFields(entry: ViewEntry, user: User | null, token: Token | null): Record<string, Readonly<Record<string, Field<unknown>>>> {
  const actions: Record<string, Readonly<Record<string, Field<unknown>>>> = {};
  for (const method of METADATA_ACTION_METHODS) {
    const config = entry.byMethod.get(method)?.config;
    const fields = config?.openapi?.body;
    if (!config || !fields) continue;
    if (config.permission && !config.permission.hasPermission({ method, user, token })) continue;
    actions[method] = fields;
  }
  return actions;
}

/** The answer on the wire: JSON (indented when asked), no body for HEAD or an empty answer. */
function finish(status: number, headers: Record<string, string | string[]>, body: unknown, indent: number | null, head: boolean): OutgoingAnswer {
  if (body === undefined) return { status, headers, body: null };
  let text = JSON.stringify(body);
  if (indent !== null) text = indentJson(text, indent);
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  return { status, headers, body: head ? null : text };
}

function addHeader(headers: Record<string, string | string[]>, name: string, value: string): void {
  const earlier = headers[name];
  if (name === 'set-cookie' && earlier !== undefined) headers[name] = [earlier, value].flat();
  else headers[name] = value;
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function pathOf(url: string): string {
  const mark = url.indexOf('?');
  return mark < 0 ? url : url.slice(0, mark);
}

