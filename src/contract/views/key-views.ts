import { IsAdminUser } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { TokenBackendError } from '../../crypto/index.js';
import { AccessToken, RefreshToken, TokenError, type Token } from '../../tokens/index.js';
import { charField, validate } from '../fields.js';
import { objectSchema, stringSchema } from '../route-docs.js';
import type { View } from '../view.js';

const tokenFields = { token: charField() };
const tags = ['keys'];

/**
 * `GET /.well-known/jwks.json` (RFC 7517): the public keys of this tessera's pending, active and
 * retiring keys, so other services verify its tokens without calling it; an empty list for HMAC.
 * `POST /api/token/introspect/` (RFC 7662) and `POST /api/token/revoke/` (RFC 7009).
 */
export function keyViews(tessera: Tessera): View[] {
  /** The token as a live access or refresh token (in the hinted order), or null for any dead token. */
  const live = async (token: string, hint: unknown): Promise<Token | null> => {
    // Both kinds' `verify` refuse a token cut off for its user; a refresh token's also asks the blacklist.
    const readers = [
      (): Promise<Token> => AccessToken.fromString(tessera.tokenContext, token),
      (): Promise<Token> => RefreshToken.fromString(tessera.tokenContext, token),
    ];
    if (hint === 'refresh_token') readers.reverse();
    for (const read of readers) {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof TokenError) && !(error instanceof TokenBackendError)) throw error;
      }
    }
    return null;
  };

  const jwks: View = {
    method: 'GET',
    url: '/.well-known/jwks.json',
    config: {
      authentication: [], name: 'JWKS', description: 'The public keys that verify this server\'s tokens (RFC 7517).',
      openapi: {
        tags,
        responses: { 200: { description: 'A JWK Set.', body: objectSchema({ keys: { type: 'array', items: { type: 'object' } } }), headers: { 'Cache-Control': 'public, max-age=60' } } },
      },
    },
    handle: (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return { keys: tessera.keyring.published() };
    },
  };

  // Introspection tells who a token belongs to: only staff callers (a resource server's service
  // account), authenticated with the configured classes, may ask (RFC 7662 section 4).
  const introspect: View = {
    method: 'POST',
    url: '/api/token/introspect/',
    config: {
      permission: IsAdminUser, name: 'Token Introspection', description: 'RFC 7662: whether a token is active, and its claims.',
      openapi: {
        tags,
        bodySchema: objectSchema({ token: tokenFields.token.schema ?? {}, token_type_hint: { enum: ['access_token', 'refresh_token'] } }, ['token_type_hint']),
        responses: {
          200: {
            description: '`{"active": false}` for a dead token; otherwise its type, claims and owner.',
            body: objectSchema({
              active: { type: 'boolean' }, token_type: stringSchema(), exp: { type: 'integer' }, iat: { type: 'integer' },
              jti: stringSchema(), sub: stringSchema(), username: stringSchema(),
            }, ['token_type', 'exp', 'iat', 'jti', 'sub', 'username']),
          },
        },
      },
    },
    handle: async (request) => {
      const body = request.data as Record<string, unknown>;
      const { token } = validate(body, tokenFields);
      const found = await live(token, body.token_type_hint);
      if (!found) return { active: false };
      const { settings, store } = tessera;
      const id = found.get(settings.userIdClaim);
      const user = settings.userIdField === 'id'
        ? typeof id === 'number' ? await store.users.findById(id) : null
        : typeof id === 'string' ? await store.users.findByUsername(id) : null;
      if (!user || (settings.checkUserIsActive && !user.isActive)) return { active: false };
      return {
        active: true,
        token_type: found.tokenType === 'refresh' ? 'refresh_token' : 'access_token',
        exp: found.get('exp'),
        iat: found.get('iat'),
        jti: found.get(settings.jtiClaim),
        sub: String(id),
        [settings.userIdClaim]: id,
        username: user.username,
      };
    },
  };

  // Revocation needs no authentication: holding a refresh token is the authority to end it, as at
  // Simple JWT's blacklist view. Every answer is 200, for unknown and invalid tokens too (RFC 7009
  // section 2.2); access tokens are not revocable one by one (they are short-lived; ending the
  // session or the user's cut-off stops them).
  const revoke: View = {
    method: 'POST',
    url: '/api/token/revoke/',
    config: {
      authentication: [], name: 'Token Revocation', description: 'RFC 7009: revokes a refresh token.',
      openapi: { tags, body: tokenFields, responses: { 200: { description: 'Revoked, or not a live refresh token (RFC 7009 answers 200 either way).', body: objectSchema({}) } } },
    },
    handle: async (request) => {
      const { token } = validate(request.data, tokenFields);
      try {
        const refresh = await RefreshToken.fromString(tessera.tokenContext, token);
        await refresh.blacklist();
      } catch (error) {
        if (!(error instanceof TokenError) && !(error instanceof TokenBackendError)) throw error;
      }
      return {};
    },
  };

  return [jwks, introspect, revoke];
}
