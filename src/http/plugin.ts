import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { IsAuthenticated, type Permission } from '../auth/index.js';
import { createTessera, type TesseraLogger } from '../core/index.js';
import type { User } from '../store/index.js';
import type { Token } from '../tokens/index.js';
import { NotFound, Throttled } from '../errors.js';
import { registerAbuseHooks } from './abuse.js';
import {
  allowHeader, AllowedHosts, authorize, challengeOf, CorsPolicy, DisallowedHost, hostOfAddress, indentJson, METADATA_ACTION_METHODS, MethodNotAllowed,
  negotiate, SECURITY_HEADERS, tesseraViews, viewMetadata, type Field, type Rendering,
} from '../contract/index.js';
import { registerBodyParsers, rejectMalformedBody } from './body.js';
import { toErrorAnswer } from './errors.js';
import { activeTracer } from '../telemetry/index.js';
import { registerTelemetryHooks } from './telemetry-hooks.js';
import { RouteRegistry, type RouteEntry } from './route-registry.js';
import { mountViews } from './mount-views.js';
import type { FastifyTessera, TesseraPluginOptions } from './types.js';

/**
 * The Fastify plugin: Simple JWT's token views, DRF-shaped errors and headers, body parsers, and
 * `config.permission` on any route for DRF-style authentication and permissions.
 */
async function tesseraPlugin(app: FastifyInstance, options: TesseraPluginOptions): Promise<void> {
  const core = options.tessera ?? createTessera({ ...options, logger: fastifyLogger(app) });
  // A core the plugin made is the plugin's to close; one handed in is the application's.
  if (!options.tessera) app.addHook('onClose', async () => core.close());
  await core.ready();
  const { settings } = core;
  const authenticatorsFor = (config: FastifyContextConfig | undefined) => core.authenticatorsFor(config?.authentication);
  // The route's challenge (`challengeOf`); null (Session first) makes authentication failures 403, as in DRF.
  const challengeFor = (config: FastifyContextConfig | undefined): string | null => challengeOf(authenticatorsFor(config), settings);

  const guard = (permission: Permission, config?: FastifyContextConfig) => async (request: FastifyRequest): Promise<void> => {
    const result = await authorize(core, request, permission, authenticatorsFor(config), request.routeOptions.url ?? request.url);
    request.user = result?.user ?? null;
    request.auth = result?.token ?? null;
  };

  /**
   * `guard` as a route's pre-handler: when the route's first authentication class accepts the
   * request from memory (`Authenticator.authenticateNow`) and the permission allows it, the
   * request goes on without a promise; otherwise, refusals included, `guard` decides.
   */
  const routeGuard = (permission: Permission, config?: FastifyContextConfig) => {
    const check = guard(permission, config);
    // Picked once per route: the route's classes do not change after it is registered.
    const first = authenticatorsFor(config)[0];
    return (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
      const result = first?.authenticateNow?.(request);
      if (result && permission.hasPermission({ method: request.method, user: result.user, token: result.token })) {
        request.user = result.user;
        request.auth = result.token;
        done();
        return;
      }
      check(request).then(() => done(), done);
    };
  };

  const tessera: FastifyTessera = { ...core, guard };
  app.decorate('tessera', tessera);
  app.decorate('authenticate', guard(IsAuthenticated));
  app.decorateRequest('user', null);
  app.decorateRequest('auth', null);

  // First, so a request's span and time cover every hook after it.
  registerTelemetryHooks(app, core.metrics, activeTracer());
  await registerBodyParsers(app);

  const routes = new RouteRegistry();
  app.addHook('onRoute', (route) => {
    routes.add(route);
    const permission = route.config?.permission;
    if (permission) route.preHandler = [routeGuard(permission, route.config), ...[route.preHandler ?? []].flat()];
  });
  // `config.throttle` and `config.audit`, after the permission pre-handler (DRF's order).
  registerAbuseHooks(app, core);
  // A malformed body is refused last, as DRF's view reading `request.data` does. Fastify parses no
  // GET or HEAD body, so those routes skip the hook.
  const bodyCheck = (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
    try {
      rejectMalformedBody(request);
    } catch (error) {
      return done(error as Error);
    }
    done();
  };
  app.addHook('onRoute', (route) => {
    if ([route.method].flat().every((method) => method === 'GET' || method === 'HEAD')) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), bodyCheck];
  });

  // One hook for what DRF and Django check before any view, on every request (404s and /health/
  // too): a callback, not an async function, and one, not three, since each hook costs a step of
  // Fastify's runner. Only an indented rendering is remembered; compact JSON is the default.
  const allowedHosts = new AllowedHosts(settings.allowedHosts);
  // django-cors-headers (`corsAllowedOrigins`): with no origins listed nothing is added anywhere.
  const cors = new CorsPolicy(settings.corsAllowedOrigins);
  const renderings = new WeakMap<FastifyRequest, Rendering>();
  app.addHook('onRequest', (request, reply, done) => {
    // Django's ALLOWED_HOSTS first: links are built from the Host header, which the client chooses.
    // Only a request without any Host header (HTTP/1.0) falls back; an empty one is refused.
    const host = request.host || (request.headers.host === undefined ? hostOfAddress(request.socket?.localAddress) : '');
    if (!allowedHosts.allows(host)) {
      const refused = new DisallowedHost(host);
      // Django logs each one too (django.security.DisallowedHost): a missing allowedHosts entry shows here.
      request.log.warn(refused.message);
      return done(refused);
    }
    // A browser's CORS preflight is answered here, before any route.
    if (cors.enabled && cors.isPreflight(request.method, request.headers)) {
      void reply.code(200).headers(cors.headersFor(request.headers, true)).send();
      return;
    }
    // DRF negotiates the renderer before authenticating, so a 406 comes before a 401.
    if (request.is404) return done();
    let rendering: Rendering;
    try {
      rendering = negotiate(request.headers.accept);
    } catch (error) {
      return done(error as Error);
    }
    if (rendering.indent !== null) renderings.set(request, rendering);
    done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    if (cors.enabled) reply.headers({ ...cors.headersFor(request.headers), vary: cors.vary });
    const allow = routes.allowFor(request.routeOptions.url);
    if (allow) reply.header('allow', allow);
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) {
      reply.header('content-type', 'application/json');
      const indent = renderings.get(request)?.indent;
      if (typeof indent === 'number' && typeof payload === 'string') return done(null, indentJson(payload, indent));
    }
    done(null, payload);
  });

  // An outage makes every request fail the same way: say so once every 10 s, not per request.
  let lastOutageLog = Number.NEGATIVE_INFINITY;
  app.setErrorHandler(async (error, request, reply) => {
    const answer = toErrorAnswer(error, String(request.headers['content-type'] ?? ''));
    if (answer.status === 503) {
      if (Date.now() - lastOutageLog >= 10_000) {
        lastOutageLog = Date.now();
        request.log.warn({ reason: (error as Error).message }, 'database unavailable; answering 503');
      }
    } else if (answer.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    }
    if (error instanceof Throttled) reply.header('retry-after', String(error.wait));
    if (answer.challenge) {
      const challenge = challengeFor(request.routeOptions.config);
      if (!challenge) return reply.code(403).send(answer.body);
      reply.header('www-authenticate', challenge);
    }
    return reply.code(answer.status).send(answer.body);
  });

  // Fastify answers unknown methods with 404; DRF answers 405 (after authentication), and
  // answers OPTIONS itself for every view.
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const entry = routes.match(request.url);
    if (!entry) throw new NotFound();
    // A route that takes this method sent us here itself (a static file that is not there).
    if (entry.methods.has(request.method)) throw new NotFound();
    reply.header('allow', allowHeader(entry.methods));
    if (entry.config?.permission) await guard(entry.config.permission, entry.config)(request);
    if (request.method !== 'OPTIONS') throw new MethodNotAllowed(request.method);
    return reply.send(viewMetadata(entry.config ?? {}, writableFields(entry, request.user, request.auth)));
  });

  // djoser's account views are a plugin of their own (`accountRoutes`), registered under a prefix.
  mountViews(app, tesseraViews(core, { tokenRoutes: options.tokenRoutes }));
}

export const tessera = fp(tesseraPlugin, { fastify: '5.x', name: 'tessera' });

/**
 * DRF's `determine_actions`: for PUT and POST, the fields of the routes that take them, where the
 * route's permission lets this user send them. Unlike DRF, PUT on a detail URL is described
 * without looking the object up.
 */
function writableFields(entry: RouteEntry, user: User | null, token: Token | null): Record<string, Readonly<Record<string, Field<unknown>>>> {
  const actions: Record<string, Readonly<Record<string, Field<unknown>>>> = {};
  for (const method of METADATA_ACTION_METHODS) {
    const config = entry.configs.get(method);
    const fields = config?.openapi?.body;
    if (!fields) continue;
    if (config.permission && !config.permission.hasPermission({ method, user, token })) continue;
    actions[method] = fields;
  }
  return actions;
}

/** The core's log lines, through Fastify's logger. */
function fastifyLogger(app: FastifyInstance): TesseraLogger {
  return {
    info: (message) => app.log.info(message),
    warn: (message) => app.log.warn(message),
    error: (message, detail) => app.log.error(detail ?? {}, message),
  };
}
