import { assertMayEndSessionsOf } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { NotFound } from '../../errors.js';
import type { BlacklistedTokenListing, OutstandingTokenListing } from '../../store/index.js';
import { addAuditDetail, setAuditSubject } from '../audit-notes.js';
import { renderDateTime } from '../date-time-field.js';
import { paginate, queryParam } from '../pagination.js';
import { objectSchema } from '../route-docs.js';
import type { View } from '../view.js';
import { pageDocs, rowIdOf, STAFF_SCHEMAS, staffOnly } from './admin-view-config.js';
import { signedInUser } from './view-requests.js';

/**
 * The staff API's view of Simple JWT's blacklist app, as its Django admin shows it: outstanding
 * tokens (`?user=USERNAME`), their "blacklist" action, and blacklisted tokens. Token texts are
 * never shown; a jti is not a credential.
 */
export function adminTokenViews(tessera: Tessera): View[] {
  const { tokens, users } = tessera.store;

  return [
    {
      method: 'GET',
      url: '/api/admin/tokens/outstanding/',
      config: staffOnly('Outstanding Token List', 'Issued refresh tokens, newest first; `?user=` filters by username.', {
        openapi: pageDocs('One page of outstanding tokens.', STAFF_SCHEMAS.outstandingToken, { user: 'Only this username\'s tokens.' }),
      }),
      handle: async (request) => {
        // django-filter ignores an empty value.
        const username = queryParam(request, 'user') || undefined;
        const filter = username === undefined ? {} : { username };
        return paginate(
          request,
          () => tokens.countOutstandingOf(filter),
          (window) => tokens.listOutstanding(filter, window).then((rows) => rows.map(outstandingBody)),
        );
      },
    },
    {
      method: 'POST',
      url: '/api/admin/tokens/outstanding/:id/blacklist/',
      config: staffOnly(
        'Blacklist Outstanding Token', 'Blacklists one outstanding token (Simple JWT admin\'s action; a superuser\'s: superusers only); blacklisting it again changes nothing.',
        { audit: 'token_blacklisted', openapi: { responses: { 200: { description: 'Blacklisted.', body: objectSchema({}) } } } },
      ),
      handle: async (request) => {
        const token = await tokens.findOutstandingById(rowIdOf(request.params.id));
        if (!token) throw new NotFound();
        const owner = token.userId === null ? null : await users.findById(token.userId);
        const me = signedInUser(request);
        // Blacklisting a token ends its session: a superuser's is a superuser's to end.
        assertMayEndSessionsOf(me, owner);
        // Through the shared revocation state, so every process refuses it at once.
        await tessera.revocation.blacklist(token, new Date(tessera.clock()));
        if (owner) setAuditSubject(request, owner);
        addAuditDetail(request, { staff: me.username, jti: token.jti });
        return {};
      },
    },
    {
      method: 'GET',
      url: '/api/admin/tokens/blacklisted/',
      config: staffOnly('Blacklisted Token List', 'Blacklisted refresh tokens, most recently blacklisted first.', {
        openapi: pageDocs('One page of blacklisted tokens.', STAFF_SCHEMAS.blacklistedToken),
      }),
      handle: (request) =>
        paginate(request, () => tokens.countBlacklisted(), (window) => tokens.listBlacklisted(window).then((rows) => rows.map(blacklistedBody))),
    },
  ];
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
    session_end_reason: token.sessionEndReason,
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
    session_end_reason: token.sessionEndReason,
  };
}
