import type { AuthenticationClassName, Settings } from '../settings/index.js';

/** A JSON object of the OpenAPI document (the docs are data, typed loosely on purpose). */
export type OpenApiObject = Record<string, unknown>;

const ERROR_SCHEMA: OpenApiObject = {
  type: 'object',
  properties: {
    detail: { type: 'string' },
    code: { type: 'string', description: 'Simple JWT\'s code, e.g. `token_not_valid`, `no_active_account`, `user_not_found`.' },
    messages: {
      type: 'array',
      description: 'For "Given token not valid for any token type": why each token class refused it.',
      items: {
        type: 'object',
        properties: { token_class: { type: 'string' }, token_type: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  required: ['detail'],
};

const VALIDATION_ERRORS_SCHEMA: OpenApiObject = {
  type: 'object',
  description: 'DRF\'s serializer errors: each invalid field (or `non_field_errors`) with its messages, '
    + 'e.g. `{"username": ["This field is required."]}`; a body that does not parse gets `{"detail": "..."}`.',
  additionalProperties: { type: 'array', items: { type: 'string' } },
};

const header = (description: string): OpenApiObject => ({ description, schema: { type: 'string' } });

/** The `WWW-Authenticate` header every 401 carries. */
export const WWW_AUTHENTICATE_HEADER: OpenApiObject = header('The challenge, e.g. `Bearer realm="api"`.');

const errorResponse = (description: string, extra: OpenApiObject = {}): OpenApiObject => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  ...extra,
});

/** The error answers every route may give, by component name, as DRF and Simple JWT shape them. */
export const SHARED_RESPONSES: Record<string, OpenApiObject> = {
  ValidationError: {
    description: 'Invalid input.',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ValidationErrors' } } },
  },
  Unauthorized: errorResponse(
    'No credentials, or invalid ones (`{"detail", "code", "messages"}` for a refused token).',
    { headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } } },
  ),
  Forbidden: errorResponse('Authenticated but not allowed (or a failed CSRF check with session authentication).'),
  NotFound: errorResponse('Not found.'),
  MethodNotAllowed: errorResponse('The URL exists but not with this method; `Allow` lists the methods it takes.'),
  NotAcceptable: errorResponse('The `Accept` header asks for something other than JSON.'),
  UnsupportedMediaType: errorResponse('The body is not JSON, a URL-encoded form or a multipart form.'),
  Throttled: errorResponse('Too many requests; `Retry-After` says how many seconds to wait.', {
    headers: { 'Retry-After': header('Seconds to wait before trying again.') },
  }),
  ServiceUnavailable: errorResponse('The database is unavailable.'),
};

/** Schemas the shared responses refer to. */
export const SHARED_SCHEMAS: Record<string, OpenApiObject> = { Error: ERROR_SCHEMA, ValidationErrors: VALIDATION_ERRORS_SCHEMA };

/**
 * The security scheme names of one authentication class, as this server is configured: the
 * header types, drf-jwt's prefix and cookie mode decide what a client sends.
 */
export function schemesOf(name: AuthenticationClassName, settings: Settings): string[] {
  switch (name) {
    case 'jwt': return settings.authCookies === 'both' ? ['bearerAuth', 'accessCookieAuth'] : ['bearerAuth'];
    case 'drf-jwt': return ['drfJwtAuth'];
    case 'basic': return ['basicAuth'];
    case 'token': return ['tokenAuth'];
    case 'session': return ['cookieAuth'];
  }
}

/** Every security scheme `schemesOf` may name, described for this configuration. */
export function securitySchemes(settings: Settings): Record<string, OpenApiObject> {
  const headerType = settings.authHeaderTypes[0] ?? 'Bearer';
  const headerName = settings.authHeaderName;
  const apiKeyHeader = (description: string): OpenApiObject => ({ type: 'apiKey', in: 'header', name: headerName, description });
  return {
    // Swagger UI's "Try it out" sends `Bearer <token>` for an http bearer scheme: only right when
    // Bearer is the configured header type (and the header is Authorization).
    bearerAuth: headerType.toLowerCase() === 'bearer' && headerName.toLowerCase() === 'authorization'
      ? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from `POST /api/token/`.' }
      : apiKeyHeader(`\`${headerType} <access token>\` from \`POST /api/token/\`.`),
    accessCookieAuth: {
      type: 'apiKey', in: 'cookie', name: '__Host-tessera-access',
      description: 'Cookie mode `both`: the access token cookie set by the token views (unsafe methods need `X-CSRFToken`).',
    },
    drfJwtAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: `\`${settings.jwtAuthHeaderPrefix} <token>\` (djangorestframework-jwt).` },
    basicAuth: { type: 'http', scheme: 'basic' },
    tokenAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Token <key>` from DRF\'s `POST /api-token-auth/`.' },
    cookieAuth: {
      type: 'apiKey', in: 'cookie', name: 'sessionid',
      description: 'A Django session from `POST /api-auth/login/`; unsafe methods need `X-CSRFToken` (see `GET /api-auth/csrf/`).',
    },
  };
}
