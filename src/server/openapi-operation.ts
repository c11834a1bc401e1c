import type { FastifyContextConfig } from 'fastify';
import { fieldsSchema, type Field, type FieldSchema } from '../contract/index.js';
import type { ResponseDoc, RouteDocs } from '../contract/index.js';
import type { Settings } from '../settings/index.js';
import { schemesOf, WWW_AUTHENTICATE_HEADER, type OpenApiObject } from './openapi-components.js';

/** What the docs need of a registered route. */
export interface DocumentedRoute {
  method: string;
  /** Fastify's pattern, `:id` for parameters. */
  url: string;
  config?: FastifyContextConfig;
}

/** The parts of an operation tessera builds itself (swagger adds path parameters). */
export interface OperationParts {
  summary?: string;
  description?: string;
  tags: string[];
  operationId: string;
  security: OpenApiObject[];
  parameters: OpenApiObject[];
  requestBody?: OpenApiObject;
  responses: Record<string, OpenApiObject>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
// DRF's parsers, in its order.
const BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

const ref = (name: string): OpenApiObject => ({ $ref: `#/components/responses/${name}` });

/**
 * One route's operation from its config: `config.openapi` (body, answers, tags) where the route
 * declares it, otherwise its name, description, method and URL; security and the shared error
 * answers from its authentication classes, permission and throttle.
 */
export function describeOperation(route: DocumentedRoute, settings: Settings): OperationParts {
  const config = route.config ?? {};
  const docs: RouteDocs = config.openapi ?? {};
  const method = route.method.toUpperCase();
  const classes = config.authentication ?? settings.authenticationClasses;
  const schemes = [...new Set(classes.flatMap((name) => schemesOf(name, settings)))];
  const permission = config.permission?.name;
  const loginRequired = permission !== undefined && permission !== 'AllowAny'
    && !(permission === 'IsAuthenticatedOrReadOnly' && SAFE_METHODS.has(method));
  const asScheme = (name: string): OpenApiObject => ({ [name]: [] });
  // An empty requirement ({}) makes credentials optional: AllowAny still authenticates them.
  const security = schemes.length === 0 ? [] : loginRequired ? schemes.map(asScheme) : [{}, ...schemes.map(asScheme)];

  const body = requestBodySchema(docs, method);
  const responses: Record<string, OpenApiObject> = {};
  for (const [status, answer] of Object.entries(docs.responses ?? {})) responses[status] = responseObject(Number(status), answer);
  if (!Object.keys(responses).some((status) => status.startsWith('2'))) responses['200'] = { description: 'Success.' };
  const shared = (status: number, name: string) => {
    if (!(String(status) in responses)) responses[String(status)] = ref(name);
  };
  if (body || BODY_METHODS.has(method)) shared(400, 'ValidationError');
  if (schemes.length > 0) shared(401, 'Unauthorized');
  if (loginRequired || classes.includes('session')) shared(403, 'Forbidden');
  if (/:[A-Za-z_]/.test(route.url)) shared(404, 'NotFound');
  shared(406, 'NotAcceptable');
  if (body || BODY_METHODS.has(method)) shared(415, 'UnsupportedMediaType');
  if (config.throttle || classes.includes('basic')) shared(429, 'Throttled');
  shared(503, 'ServiceUnavailable');

  return {
    ...(docs.summary ?? config.name ? { summary: docs.summary ?? config.name } : {}),
    ...(config.description ? { description: config.description } : {}),
    tags: docs.tags ?? [defaultTag(route.url)],
    operationId: operationId(method, route.url),
    security,
    parameters: Object.entries(docs.query ?? {}).map(([name, query]) => ({
      name, in: 'query', required: false, description: query.description, schema: query.schema ?? { type: 'string' },
    })),
    ...(body ? {
      // A body whose every field is optional may be left out.
      requestBody: { required: Array.isArray(body.required) && body.required.length > 0, content: Object.fromEntries(BODY_TYPES.map((type) => [type, { schema: body }])) },
    } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** The body's schema from the route's field specs (all optional for PATCH, as `partial` validates). */
function requestBodySchema(docs: RouteDocs, method: string): FieldSchema | null {
  if (docs.bodySchema) return docs.bodySchema;
  if (!docs.body) return null;
  const fields: Record<string, Field<unknown>> = { ...docs.body };
  if (method === 'PATCH') for (const [name, field] of Object.entries(fields)) fields[name] = { ...field, required: false };
  return fieldsSchema(fields);
}

function responseObject(status: number, answer: ResponseDoc): OpenApiObject {
  const headers: Record<string, OpenApiObject> = {};
  for (const [name, description] of Object.entries(answer.headers ?? {})) headers[name] = { description, schema: { type: 'string' } };
  // Every 401 carries the challenge, whatever the route says about it.
  if (status === 401 && !('WWW-Authenticate' in headers)) headers['WWW-Authenticate'] = WWW_AUTHENTICATE_HEADER;
  return {
    description: answer.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(answer.body ? { content: { 'application/json': { schema: answer.body } } } : {}),
  };
}

/** A stable, unique id: the method and the URL's words (`post_api_token_refresh`). */
function operationId(method: string, url: string): string {
  const words = url.replace(/:([A-Za-z_]+)/g, 'by_$1').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return [method.toLowerCase(), ...words].join('_');
}

/** For a route that names no tags: its first URL segment. */
function defaultTag(url: string): string {
  return url.split('/').find((segment) => segment !== '' && segment !== 'api') ?? 'api';
}
