import { createRequire } from 'node:module';
import type { fastifySwagger, SwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { packageVersion, type Settings } from '../settings/index.js';
import {
  SHARED_RESPONSES, SHARED_SCHEMAS, securitySchemes, WWW_AUTHENTICATE_HEADER, type OpenApiObject,
} from './openapi-components.js';
import { describeOperation, type OperationParts } from './openapi-operation.js';
import { serveOnDemand } from './on-demand.js';

/** Where the document and the viewer are served. */
export const API_DOCS_URLS = { document: '/openapi.json', viewer: '/docs' } as const;

/** The viewer's pages load only this server's scripts and talk only to this server. */
export const API_DOCS_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

// What tessera builds itself rides on the operation under this key from `transform` (per route,
// where the route's config is at hand) to `transformObject` (the whole document), which unpacks it.
const PARTS_KEY = 'x-tessera-operation';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const DESCRIPTION = [
  'JWT authentication that answers as Django REST framework + Simple JWT.',
  '',
  'Request bodies are accepted as JSON, URL-encoded forms and multipart forms. Every error body is',
  'DRF-shaped: `{"detail": "..."}` (plus `code` and `messages` for refused tokens) or field errors',
  '`{"field": ["..."]}`. A known URL with another method answers 405 with `Allow`.',
  '',
  'To try an operation that needs a login: obtain a pair at `POST /api/token/`, press **Authorize** and',
  'paste the `access` token under `bearerAuth`.',
].join('\n');

/**
 * Starts collecting routes for `GET /openapi.json` (@fastify/swagger, OpenAPI 3.1). Register it
 * before any route: each route is documented from its `config` (see `RouteDocs`), never
 * validated or serialized by these schemas.
 */
export async function registerApiDocsGenerator(app: FastifyInstance, settings: Settings): Promise<void> {
  await app.register(lazySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'tessera', version: packageVersion(), description: DESCRIPTION },
    },
    transform: ({ schema, url, route }) => {
      const docs = route.config?.openapi;
      // Left out: the viewer's own routes (they say `hide`) and static file trees (a `*` nobody named).
      if (schema?.hide || docs?.hide || (url.includes('*') && !docs?.wildcard)) return { schema: { ...schema, hide: true }, url };
      // Django's `<token>/`: the parameter, then the slash every URL ends with.
      const path = docs?.wildcard ? url.replace(/\*$/, `:${docs.wildcard}/`) : url;
      const method = [route.method].flat()[0] ?? 'GET';
      const { summary, description, tags, operationId, ...rest } = describeOperation({ method, url: path, config: route.config }, settings);
      return {
        schema: { ...(summary ? { summary } : {}), ...(description ? { description } : {}), tags, operationId, [PARTS_KEY]: rest },
        url: path,
      };
    },
    transformObject: (document) => completeDocument(('openapiObject' in document ? document.openapiObject : {}) as OpenApiObject, settings),
  });
}

const require = createRequire(import.meta.url);

/**
 * @fastify/swagger, loaded on the first `app.swagger()` (the first GET of the document) instead of
 * at start. Until then only the routes and child instances are recorded; then the plugin is run
 * on a stand-in for the app and handed, in order, the very route objects it would have seen, so
 * the document is the same. Named as the plugin it stands for: @fastify/swagger-ui depends on it.
 */
const lazySwagger = fp((app: FastifyInstance, options: SwaggerOptions, done: (error?: Error) => void) => {
  const routes: RouteOptions[] = [];
  let instances: FastifyInstance[] = [];
  app.addHook('onRoute', (route) => void routes.push(route));
  app.addHook('onRegister', (instance) => void instances.push(instance));
  let generate: ((opts?: { yaml?: boolean }) => unknown) | undefined;
  const load = () => {
    const plugin = (require('@fastify/swagger') as { fastifySwagger: typeof fastifySwagger }).fastifySwagger;
    const hooks: Record<string, (...args: unknown[]) => unknown> = {};
    const standIn = {
      addHook: (name: string, hook: (...args: unknown[]) => unknown) => {
        // A later @fastify/swagger wanting another hook must fail loudly, not document less.
        if (name !== 'onRoute' && name !== 'onRegister' && name !== 'onReady') throw new Error(`api docs: unexpected ${name} hook`);
        hooks[name] = hook;
      },
      decorate: (name: string, value: typeof generate) => {
        if (name === 'swagger') generate = value;
      },
      getSchemas: () => app.getSchemas(),
    };
    plugin(standIn as unknown as FastifyInstance, options, (error?: Error) => {
      if (error) throw error;
    });
    for (const instance of instances) hooks.onRegister!(instance);
    for (const route of routes) hooks.onRoute!(route);
    hooks.onReady!(() => undefined);
    if (!generate) throw new Error('api docs: @fastify/swagger decorated no swagger()');
    instances = [];
    return generate;
  };
  app.decorate('swagger', ((opts?: { yaml?: boolean }) => (generate ?? load())(opts)) as FastifyInstance['swagger']);
  done();
}, { fastify: '5.x', name: '@fastify/swagger' });

/** Serves `GET /openapi.json` and the Swagger UI viewer at `/docs/` (its assets from node_modules, no CDN). */
export async function registerApiDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get(API_DOCS_URLS.document, { schema: { hide: true }, config: { authentication: [], name: 'OpenAPI' } }, async () => app.swagger());
  serveOnDemand(app, API_DOCS_URLS.viewer, { schema: { hide: true }, config: { authentication: [], name: 'API docs' } }, (viewer) => setUpViewer(app, viewer));
}

/**
 * @fastify/swagger-ui as a small Fastify app of its own (see `serveOnDemand`): loading it, with
 * its own @fastify/static, glob and yaml, was a sixth of `serve`'s cold start.
 */
async function setUpViewer(app: FastifyInstance, viewer: FastifyInstance): Promise<void> {
  const { default: swaggerUi } = await import('@fastify/swagger-ui');
  // swagger-ui reads the document from `swagger()` and asks for @fastify/swagger by name.
  await viewer.register(fp(async (scope: FastifyInstance) => {
    scope.decorate('swagger', ((opts?: { yaml: boolean }) => app.swagger(opts ?? { yaml: false })) as FastifyInstance['swagger']);
  }, { name: '@fastify/swagger' }));
  await viewer.register(swaggerUi, {
    routePrefix: API_DOCS_URLS.viewer,
    // Keeps the token pasted in Authorize across reloads (in this browser's localStorage).
    uiConfig: { persistAuthorization: true, deepLinking: true, displayRequestDuration: true },
    theme: { title: 'tessera API' },
    // The viewer holds tokens: it runs only its own files (Swagger UI sets inline styles).
    staticCSP: API_DOCS_CSP,
  });
}

/** Moves each operation's tessera parts into place and adds the shared components. */
function completeDocument(document: OpenApiObject, settings: Settings): OpenApiObject {
  const paths = (document.paths ?? {}) as Record<string, Record<string, OpenApiObject>>;
  const usedSchemes = new Set<string>(['bearerAuth']);
  const operationIds = new Set<string>();
  for (const pathItem of Object.values(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      const parts = operation?.[PARTS_KEY] as Omit<OperationParts, 'summary' | 'description' | 'tags' | 'operationId'> | undefined;
      if (!operation || !parts) continue;
      // swagger shares one operation object between the methods of one route: give each its own.
      const own: OpenApiObject = { ...operation };
      delete own[PARTS_KEY];
      const parameters = [...((own.parameters as OpenApiObject[] | undefined) ?? []), ...parts.parameters];
      if (parameters.length > 0) own.parameters = parameters;
      if (parts.requestBody) own.requestBody = parts.requestBody;
      own.responses = parts.responses;
      own.security = parts.security;
      for (const requirement of parts.security) for (const name of Object.keys(requirement)) usedSchemes.add(name);
      own.operationId = uniqueId(String(own.operationId ?? method), operationIds);
      pathItem[method] = own;
    }
  }
  const schemes = securitySchemes(settings);
  const components = (document.components ?? {}) as OpenApiObject;
  document.components = {
    ...components,
    schemas: { ...(components.schemas as OpenApiObject | undefined), ...SHARED_SCHEMAS },
    responses: SHARED_RESPONSES,
    headers: { 'WWW-Authenticate': WWW_AUTHENTICATE_HEADER },
    securitySchemes: Object.fromEntries(Object.entries(schemes).filter(([name]) => usedSchemes.has(name))),
  };
  return document;
}

function uniqueId(id: string, taken: Set<string>): string {
  let candidate = id;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${id}_${n}`;
  taken.add(candidate);
  return candidate;
}
