import type { Tessera } from '../../core/index.js';
import { settingsKeys, type KeyState } from '../../crypto/index.js';
import { ValidationError } from '../../errors.js';
import { isHmacAlgorithm } from '../../settings/index.js';
import { AUDIT_EVENT_TYPES, type AuditEvent, type AuditEventType, type AuditFilters } from '../../store/index.js';
import { renderDateTime } from '../date-time-field.js';
import { paginate, queryParam } from '../pagination.js';
import { objectSchema } from '../route-docs.js';
import type { View } from '../view.js';
import { absoluteUrl, pageDocs, STAFF_SCHEMAS, staffOnly } from './admin-view-config.js';
import { adminTokenViews } from './admin-token-views.js';
import { adminUserViews } from './admin-user-views.js';

/**
 * The staff API behind the console (staff only, as `IsAdminUser`): its root, users
 * (admin-user-views.ts), outstanding and blacklisted tokens (admin-token-views.ts), the audit
 * log and the signing keys. Lists are DRF's `PageNumberPagination`, 20 a page.
 */
export function adminViews(tessera: Tessera): View[] {
  // The console asks it to learn whether the signed-in user is staff.
  const root: View = {
    method: 'GET',
    url: '/api/admin/',
    config: staffOnly('Staff API Root', 'The staff API\'s lists.', {
      openapi: {
        responses: {
          200: {
            description: 'The lists\' URLs (the console asks it to learn whether the user is staff).',
            body: objectSchema(Object.fromEntries(['users', 'outstanding_tokens', 'blacklisted_tokens', 'audit', 'keys'].map((name) => [name, { type: 'string', format: 'uri' }]))),
          },
        },
      },
    }),
    handle: (request) => ({
      users: absoluteUrl(request, '/api/admin/users/'),
      outstanding_tokens: absoluteUrl(request, '/api/admin/tokens/outstanding/'),
      blacklisted_tokens: absoluteUrl(request, '/api/admin/tokens/blacklisted/'),
      audit: absoluteUrl(request, '/api/admin/audit/'),
      keys: absoluteUrl(request, '/api/admin/keys/'),
    }),
  };

  const audit: View = {
    method: 'GET',
    url: '/api/admin/audit/',
    config: staffOnly('Audit Log', 'Security events, newest first; `?event=` and `?user=` (username) filter them.', {
      openapi: pageDocs('One page of events.', STAFF_SCHEMAS.auditEvent, { event: 'Only this event type.', user: 'Only this username\'s events.' }),
    }),
    handle: (request) => {
      const filters: AuditFilters = {};
      const event = queryParam(request, 'event') || undefined;
      if (event !== undefined) {
        // django-filter's ChoiceFilter: an unknown choice is a field error, not an empty list.
        if (!(AUDIT_EVENT_TYPES as readonly string[]).includes(event)) {
          throw ValidationError.of('event', `Select a valid choice. ${event} is not one of the available choices.`);
        }
        filters.type = event as AuditEventType;
      }
      const username = queryParam(request, 'user') || undefined;
      if (username !== undefined) filters.username = username;
      return paginate(
        request,
        () => tessera.audit.count(filters),
        (window) => tessera.audit.list({ ...filters, ...window }).then((events) => events.map(auditBody)),
      );
    },
  };

  // Kid, algorithm, status and dates only: no private key, PEM or HMAC secret ever leaves.
  const signingKeys: View = {
    method: 'GET',
    url: '/api/admin/keys/',
    config: staffOnly('Signing Keys', 'The keys tokens are signed and verified with, and their status.', {
      openapi: {
        responses: {
          200: {
            description: 'Every key, without any secret.',
            body: objectSchema({
              results: {
                type: 'array',
                items: objectSchema({
                  kid: { type: ['string', 'null'] }, alg: { type: 'string' }, status: { enum: ['active', 'verifying-only', 'retired', 'revoked'] },
                  created_at: { type: ['string', 'null'], format: 'date-time' }, retires_at: { type: ['string', 'null'], format: 'date-time' },
                }),
              },
            }),
          },
        },
      },
    }),
    handle: async () => {
      const results: KeyBody[] = (await tessera.keys.list()).map((key) => ({
        kid: key.kid,
        alg: key.alg,
        status: statusOf(key.state),
        created_at: renderDateTime(key.createdAt),
        retires_at: key.retiresAt ? renderDateTime(key.retiresAt) : null,
      }));
      // While a database key is active it signs; the keys from settings then only verify.
      const databaseSigns = results.some((key) => key.status === 'active');
      const { settings } = tessera;
      const fromSettings = (kid: string | null, alg: string, canSign: boolean): KeyBody =>
        ({ kid, alg, status: canSign && !databaseSigns ? 'active' : 'verifying-only', created_at: null, retires_at: null });
      for (const key of settingsKeys(settings)) results.push(fromSettings(key.kid, key.alg, key.privatePem !== null));
      // Simple JWT's one HMAC key has no kid.
      if (isHmacAlgorithm(settings.algorithm)) results.push(fromSettings(null, settings.algorithm, true));
      return { results };
    },
  };

  return [root, ...adminUserViews(tessera), ...adminTokenViews(tessera), audit, signingKeys];
}

/** A key as the staff API lists it. */
interface KeyBody {
  kid: string | null;
  alg: string;
  status: 'active' | 'verifying-only' | 'retired' | 'revoked';
  created_at: string | null;
  retires_at: string | null;
}

/**
 * `tessera keys list`'s states as the staff API says them: `active` signs; `pending` (not yet
 * signing) and `retiring` (replaced, with `retires_at`) keys only verify; `retired` and `revoked`
 * (`tessera keys revoke`) ones do nothing.
 */
function statusOf(state: KeyState): KeyBody['status'] {
  if (state === 'active' || state === 'retired' || state === 'revoked') return state;
  return 'verifying-only';
}

function auditBody(event: AuditEvent) {
  return {
    id: event.id,
    event: event.type,
    user_id: event.userId,
    username: event.username,
    ip: event.ip,
    user_agent: event.userAgent,
    created_at: renderDateTime(new Date(event.at)),
    detail: event.detail,
  };
}
