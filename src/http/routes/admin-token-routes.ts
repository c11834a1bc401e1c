import type { FastifyInstance } from 'fastify';
import { assertMayEndSessionsOf } from '../../auth/index.js';
import { NotFound } from '../../errors.js';
import type { BlacklistedTokenListing, OutstandingTokenListing } from '../../store/index.js';
import { addAuditDetail, setAuditSubject } from '../../contract/index.js';
import { renderDateTime } from '../../contract/index.js';
import { paginate, queryParam } from '../../contract/index.js';
import { objectSchema } from '../../contract/index.js';
import { pageDocs, requester, rowIdOf, STAFF_SCHEMAS, staffOnly } from './admin-route-config.js';

/**
 * The staff API's view of Simple JWT's blacklist app, as its Django admin shows it: outstanding
 * tokens (`?user=USERNAME`), their "blacklist" action, and blacklisted tokens. Token texts are
 * never shown; a jti is not a credential.
 */
export function registerAdminTokenRoutes(app: FastifyInstance): void {
  const { tessera } = app;
  const { tokens, users } = tessera.store;

  app.get('/api/admin/tokens/outstanding/', staffOnly('Outstanding Token List', 'Issued refresh tokens, newest first; `?user=` filters by username.', {
    openapi: pageDocs('One page of outstanding tokens.', STAFF_SCHEMAS.outstandingToken, { user: 'Only this username\'s tokens.' }),
  }), async (request) => {
    // django-filter ignores an empty value.
    const username = queryParam(request, 'user') || undefined;
    const filter = username === undefined ? {} : { username };
    return paginate(
      request,
      () => tokens.countOutstandingOf(filter),
      (window) => tokens.listOutstanding(filter, window).then((rows) => rows.map(outstandingBody)),
    );
  });

  app.post<{ Params: { id: string } }>('/api/admin/tokens/outstanding/:id/blacklist/', staffOnly(
    'Blacklist Outstanding Token', 'Blacklists one outstanding token (Simple JWT admin\'s action; a superuser\'s: superusers only); blacklisting it again changes nothing.',
    { audit: 'token_blacklisted', openapi: { responses: { 200: { description: 'Blacklisted.', body: objectSchema({}) } } } },
  ), async (request) => {
    const token = await tokens.findOutstandingById(rowIdOf(request.params.id));
    if (!token) throw new NotFound();
    const owner = token.userId === null ? null : await users.findById(token.userId);
    const me = requester(request);
    // Blacklisting a token ends its session: a superuser's is a superuser's to end.
    assertMayEndSessionsOf(me, owner);
    // Through the shared revocation state, so every process refuses it at once.
    await tessera.revocation.blacklist(token, new Date(tessera.clock()));
    if (owner) setAuditSubject(request, owner);
    addAuditDetail(request, { staff: me.username, jti: token.jti });
    return {};
  });

  app.get('/api/admin/tokens/blacklisted/', staffOnly('Blacklisted Token List', 'Blacklisted refresh tokens, most recently blacklisted first.', {
    openapi: pageDocs('One page of blacklisted tokens.', STAFF_SCHEMAS.blacklistedToken),
  }), async (request) =>
    paginate(request, () => tokens.countBlacklisted(), (window) => tokens.listBlacklisted(window).then((rows) => rows.map(blacklistedBody))));
}

function outstandingBody(token: OutstandingTokenListing) {
  return {
    id: token.id,
    jti: token.jti,
    user_id: token.userId,
    username: token.username,
    created_at: token.createdAt ? renderDateTime(token.createdAt) : null,
    expires_at: renderDateTime(token.expiresAt),
    blacklisted_at: token.blacklistedAt ? renderDateTime(token.blacklistedAt) : null,
  };
}

function blacklistedBody(token: BlacklistedTokenListing) {
  return {
    id: token.id,
    jti: token.jti,
    user_id: token.userId,
    username: token.username,
    blacklisted_at: renderDateTime(token.blacklistedAt),
    expires_at: renderDateTime(token.expiresAt),
  };
}
