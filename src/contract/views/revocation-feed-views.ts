import { createHash, timingSafeEqual } from 'node:crypto';
import { authorizationParts, usesScheme } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { AuthenticationFailed, NotAuthenticated, ValidationError } from '../../errors.js';
import { queryParam } from '../pagination.js';
import { objectSchema, stringSchema } from '../route-docs.js';
import type { View } from '../view.js';

/** The URL `tessera/verify` polls, beside the other token views. */
export const REVOCATION_FEED_URL = '/api/token/revocations/';

/**
 * How far each answer's cursor looks back: a revocation is written with the time it was decided,
 * and its transaction may commit after a poll that started later (up to `databaseTimeout`), on a
 * node whose clock is a little behind. Entries of the last minute come again; they are idempotent.
 */
const CURSOR_OVERLAP_MS = 60_000;

const DATE_TIME = { type: 'string', format: 'date-time' } as const;

/**
 * `GET /api/token/revocations/?since=<cursor>`: the sessions ended (token families) and the
 * per-user cut-offs raised (logout everywhere, password change, deactivation) since the cursor of
 * an earlier answer, or all that can still refuse a live token without one; for services that
 * verify tessera's tokens themselves (`tessera/verify`) and must refuse what tessera refuses.
 * Served only when `revocationFeedToken` is set: a service has no user to log in as and nothing
 * to refresh, so it holds a secret, sent as `Authorization: Bearer <secret>` and compared in
 * constant time. The answer tells who ended sessions and when, so it is not public.
 */
export function revocationFeedViews(tessera: Tessera): View[] {
  const secret = tessera.settings.revocationFeedToken;
  if (!secret) return [];
  const expected = digest(secret);

  return [{
    method: 'GET',
    url: REVOCATION_FEED_URL,
    config: {
      authentication: [], name: 'Revocation Feed',
      description: 'Ended sessions and per-user cut-offs since a cursor, for services that verify tokens themselves. `Authorization: Bearer <revocationFeedToken>`.',
      openapi: {
        tags: ['keys'],
        query: { since: { description: 'The `cursor` of the previous answer; none for everything still in force.', schema: { type: 'string', pattern: '^[0-9]+$' } } },
        responses: {
          200: {
            description: 'What ended since the cursor; `expires` is when an entry can no longer refuse a live token.',
            body: objectSchema({
              cursor: stringSchema('Pass as `since` next time.'),
              sessions: { type: 'array', items: objectSchema({ family: stringSchema('The `fam` claim.'), ended: DATE_TIME, expires: DATE_TIME }) },
              cutoffs: { type: 'array', items: objectSchema({ user_id: { type: 'integer' }, cutoff: DATE_TIME, expires: DATE_TIME }) },
            }),
            headers: { 'Cache-Control': 'no-store' },
          },
        },
      },
    },
    handle: async (request, reply) => {
      const parts = authorizationParts(request);
      if (!usesScheme(parts, 'Bearer') || parts.length === 1) throw new NotAuthenticated();
      if (parts.length !== 2 || !timingSafeEqual(digest(parts[1]!), expected)) throw new AuthenticationFailed('Invalid token.');
      const since = parseCursor(queryParam(request, 'since'));
      // Taken before reading: whatever is written meanwhile comes in the next answer.
      const now = tessera.clock();
      const { families, cutoffs } = await tessera.revocation.listSince(new Date(since ?? 0));
      reply.header('cache-control', 'no-store');
      return {
        cursor: String(Math.max(0, now - CURSOR_OVERLAP_MS)),
        sessions: families.map((entry) => ({ family: entry.family, ended: entry.endedAt.toISOString(), expires: entry.until.toISOString() })),
        cutoffs: cutoffs.map((entry) => ({ user_id: entry.userId, cutoff: entry.cutoff.toISOString(), expires: entry.until.toISOString() })),
      };
    },
  }];
}

/** A cursor is milliseconds since the epoch, as this view wrote it; absent: from the beginning. */
function parseCursor(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw ValidationError.of('since', 'A valid integer is required.');
  return Number(raw);
}

/** A fixed-length digest, so comparing in constant time does not depend on what length was sent. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'latin1').digest();
}
