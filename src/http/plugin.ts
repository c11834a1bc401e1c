import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authenticateRequest, IsAuthenticated, JWTAuthentication, type Permission } from '../auth/index.js';
import { createPasswordHashers, JwtCodec, resolveSigningKey } from '../crypto/index.js';
import { NotAuthenticated, NotFound, PermissionDenied } from '../errors.js';
import { systemClock } from '../settings/index.js';
import type { TokenContext } from '../tokens/index.js';
import { registerBodyParsers } from './body.js';
import { MethodNotAllowed, toErrorAnswer } from './errors.js';
import { allowHeader, SECURITY_HEADERS } from './headers.js';
import { RouteRegistry } from './route-registry.js';
import { registerTokenRoutes } from './routes/token-routes.js';
import type { Tessera, TesseraOptions } from './types.js';

/**
 * The Fastify plugin: Simple JWT's token views, DRF-shaped errors and headers, body parsers, and
 * `config.permission` on any route for DRF-style authentication and permissions.
 */
async function tesseraPlugin(app: FastifyInstance, options: TesseraOptions): Promise<void> {
  const { settings, store } = options;
  const clock = options.clock ?? systemClock;
  const codec = new JwtCodec({
    algorithm: settings.algorithm,
    signingKey: resolveSigningKey(settings),
    audience: settings.audience,
    issuer: settings.issuer,
    leeway: settings.leeway,
    clock,
  });
  const tokens: TokenContext = {
    settings, codec, clock, blacklist: store.tokens, ...(options.customClaims ? { customClaims: options.customClaims } : {}),
  };
  const authenticators = [new JWTAuthentication(tokens, store.users, settings)];
  const challenge = authenticators[0]?.authenticateHeader() ?? null;

  const guard = (permission: Permission) => async (request: FastifyRequest): Promise<void> => {
    const result = await authenticateRequest(authenticators, request);
    request.user = result?.user ?? null;
    request.auth = result?.token ?? null;
    if (permission.hasPermission({ method: request.method, user: request.user })) return;
    if (!request.user && authenticators.length > 0) throw new NotAuthenticated();
    throw new PermissionDenied();
  };

  const tessera: Tessera = {
    settings, store, tokens, clock, authenticators, guard,
    hashers: options.hashers ?? createPasswordHashers(),
  };
  // Made now, so the first login for an unknown username costs what every later one does.
  await tessera.hashers.dummyHash();
  app.decorate('tessera', tessera);
  app.decorate('authenticate', guard(IsAuthenticated));
  app.decorateRequest('user', null);
  app.decorateRequest('auth', null);

  await registerBodyParsers(app);

  const routes = new RouteRegistry();
  app.addHook('onRoute', (route) => {
    routes.add(route);
    const permission = route.config?.permission;
    if (permission) route.preHandler = [guard(permission), ...[route.preHandler ?? []].flat()];
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    const allow = routes.allowFor(request.routeOptions.url);
    if (allow) reply.header('allow', allow);
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    return payload;
  });

  app.setErrorHandler(async (error, request, reply) => {
    const answer = toErrorAnswer(error, String(request.headers['content-type'] ?? ''));
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    if (answer.challenge && challenge) reply.header('www-authenticate', challenge);
    return reply.code(answer.status).send(answer.body);
  });

  // Fastify answers unknown methods with 404; DRF answers 405 (after authentication), and
  // answers OPTIONS itself for every view.
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const entry = routes.match(request.url);
    if (!entry) throw new NotFound();
    reply.header('allow', allowHeader(entry.methods));
    if (entry.config?.permission) await guard(entry.config.permission)(request);
    if (request.method !== 'OPTIONS') throw new MethodNotAllowed(request.method);
    return reply.send({
      name: entry.config?.name ?? '',
      description: entry.config?.description ?? '',
      renders: ['application/json'],
      parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
    });
  });

  registerTokenRoutes(app, options.tokenRoutes);
}

export const tessera = fp(tesseraPlugin, { fastify: '5.x', name: 'tessera' });
