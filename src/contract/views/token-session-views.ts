import { IsAuthenticated } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { NotFound, ValidationError } from '../../errors.js';
import { FAMILY_END_REASONS, type TokenFamily } from '../../store/index.js';
import { FAMILY_CLAIM, overdueReason } from '../../tokens/index.js';
import { addAuditDetail } from '../audit-notes.js';
import { objectSchema, stringSchema, type RouteDocs } from '../route-docs.js';
import { needingFreshLogin } from './reauthenticate-views.js';
import type { View, ViewConfig, ViewRequest } from '../view.js';
import { queryParam } from '../pagination.js';
import { signedInUser } from './view-requests.js';

const SESSION_FIELDS = {
  id: { type: 'integer' },
  device_name: { type: ['string', 'null'] },
  ip: stringSchema(),
  created: { type: 'string', format: 'date-time' },
  last_used: { type: 'string', format: 'date-time' },
  current: { type: 'boolean', description: 'The session of the token this request was made with.' },
};
const SESSION_SCHEMA = objectSchema(SESSION_FIELDS);
const ENDED_SESSION_SCHEMA = objectSchema({
  ...SESSION_FIELDS,
  ended: { type: 'string', format: 'date-time' },
  end_reason: {
    type: ['string', 'null'],
    enum: [...FAMILY_END_REASONS, null],
    description: 'Why it ended; null for a session ended before reasons were kept.',
  },
});

/**
 * The signed-in user's sessions (refresh token families): `GET /api/sessions/` lists the live
 * ones (`?ended=true`: those that ended within the refresh token lifetime, each with why), `DELETE /api/sessions/<id>/` ends one, `POST /api/sessions/logout-all/` ends all (or all
 * but the current one with `{"keep_current": true}`). Ending a session refuses its refresh
 * tokens at once and its access tokens on the next request, and is audited as `sessions_revoked`.
 */
export function tokenSessionViews(tessera: Tessera): View[] {
  const families = tessera.store.families;
  const signedIn = (name: string, description: string, openapi: RouteDocs = {}): ViewConfig =>
    ({ permission: IsAuthenticated, name, description, openapi: { tags: ['sessions'], ...openapi } });
  // Ending sessions needs a recent login (`freshLoginMaxAge`): a stolen access token cannot lock the owner out.
  const ending = (name: string, description: string, openapi: RouteDocs = {}): ViewConfig =>
    needingFreshLogin(tessera.settings, { ...signedIn(name, description, openapi), audit: 'sessions_revoked' });
  const now = () => new Date(tessera.clock());
  const end = (family: string) => tessera.revocation.revokeFamily(family, now());

  return [
    {
      method: 'GET',
      url: '/api/sessions/',
      config: signedIn('Session List', 'The signed-in user\'s sessions, one per login; `?ended=true`: the ones that ended lately, and why.', {
        query: {
          ended: {
            description: 'true: the sessions that ended within the refresh token lifetime instead, the latest first (at most 50), with `ended` and `end_reason`.',
            schema: { type: 'boolean' },
          },
        },
        responses: {
          200: {
            description: 'The live sessions (with `?ended=true`: the ended ones, with `ended` and `end_reason`).',
            body: { type: 'array', items: { oneOf: [SESSION_SCHEMA, ENDED_SESSION_SCHEMA] } },
          },
        },
      }),
      handle: async (request) => {
        const user = signedInUser(request);
        const current = currentFamily(request);
        const since = new Date(tessera.clock() - tessera.settings.refreshTokenLifetime * 1000);
        const ended = parseBoolean(queryParam(request, 'ended'));
        if (ended === 'invalid') throw ValidationError.of('ended', 'Must be a valid boolean.');
        if (ended) return (await families.listEnded(user.id, since)).map((family) => endedSessionBody(family, current));
        const live = await families.listLive(user.id, since);
        // A session past its lifetime or idle timeout is over even before a refresh marks it so.
        const goesOn = (family: TokenFamily) => overdueReason(tessera.tokenContext, family, tessera.clock()) === null;
        return live.filter((family) => !tessera.revocation.isFamilyRevoked(family.family) && goesOn(family)).map((family) => sessionBody(family, current));
      },
    },
    {
      method: 'DELETE',
      url: '/api/sessions/:id/',
      config: ending('Session Detail', 'Ends one session.', {
        responses: { 204: { description: 'Ended: its refresh tokens are refused at once, its access tokens on their next use.' } },
      }),
      handle: async (request, reply) => {
        const user = signedInUser(request);
        const raw = request.params.id ?? '';
        const id = /^\d{1,9}$/.test(raw) ? Number(raw) : null;
        const family = id === null ? null : await families.findById(id);
        // Another user's session is as absent as one that never was.
        if (!family || family.userId !== user.id || family.revokedAt) throw new NotFound();
        await end(family.family);
        addAuditDetail(request, { sessions: [family.id] });
        reply.status(204);
        return undefined;
      },
    },
    {
      method: 'POST',
      url: '/api/sessions/logout-all/',
      config: ending('Logout All', 'Ends every session, or all but the current one.', {
        bodySchema: objectSchema({ keep_current: { type: 'boolean', default: false } }, ['keep_current']),
        responses: { 200: { description: 'How many sessions ended.', body: objectSchema({ ended: { type: 'integer' } }) } },
      }),
      handle: async (request) => {
        const user = signedInUser(request);
        const data = request.data;
        const raw = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).keep_current : undefined;
        const keepCurrent = parseBoolean(raw);
        if (keepCurrent === 'invalid') throw ValidationError.of('keep_current', 'Must be a valid boolean.');
        const ended = await tessera.sessions.endAll(user.id, keepCurrent ? { keep: { family: currentFamily(request) } } : {});
        addAuditDetail(request, { ended, keep_current: keepCurrent });
        return { ended };
      },
    },
  ];
}

/** The family of the token the request was authenticated with, if any. */
function currentFamily(request: ViewRequest): string | null {
  const family = request.auth?.payload?.[FAMILY_CLAIM];
  return typeof family === 'string' ? family : null;
}

function sessionBody(family: TokenFamily, current: string | null) {
  return {
    id: family.id,
    device_name: family.deviceName,
    ip: family.ip,
    created: family.createdAt.toISOString(),
    last_used: family.lastUsedAt.toISOString(),
    current: family.family === current,
  };
}

function endedSessionBody(family: TokenFamily, current: string | null) {
  return { ...sessionBody(family, current), ended: family.revokedAt!.toISOString(), end_reason: family.revokedReason };
}

/** DRF's `BooleanField` input values; absent is false. */
function parseBoolean(value: unknown): boolean | 'invalid' {
  if (value === undefined || value === null) return false;
  if ([true, 1, '1', 'true', 'True', 'TRUE', 'yes', 'on', 'y'].includes(value as never)) return true;
  if ([false, 0, '0', 'false', 'False', 'FALSE', 'no', 'off', 'n', ''].includes(value as never)) return false;
  return 'invalid';
}
