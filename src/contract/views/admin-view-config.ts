import { IsAdminUser } from '../../auth/index.js';
import { NotFound } from '../../errors.js';
import { FAMILY_END_REASONS } from '../../store/index.js';
import type { FieldSchema } from '../fields.js';
import { DETAIL_SCHEMA, objectSchema, type RouteDocs } from '../route-docs.js';
import type { ViewConfig, ViewRequest } from '../view.js';

/** The config of a staff API view: `IsAdminUser` with the default authentication classes. */
export function staffOnly(name: string, description: string, extra: Pick<ViewConfig, 'audit' | 'openapi'> = {}): ViewConfig {
  return { permission: IsAdminUser, name, description, ...extra, openapi: { tags: ['staff'], ...extra.openapi } };
}

const INTEGER = { type: 'integer' };
const TEXT = { type: 'string' };
const DATE_TIME = { type: 'string', format: 'date-time' };
const nullable = (schema: FieldSchema): FieldSchema => ({ ...schema, type: [schema.type, 'null'] });
const PAGE_LINK = { type: ['string', 'null'], format: 'uri' };
/** Why the token's session ended (token families), or null while it lives or for a token without one. */
const SESSION_END_REASON = { type: ['string', 'null'], enum: [...FAMILY_END_REASONS, null] };

/** The staff API's objects, as the docs describe them. */
export const STAFF_SCHEMAS = {
  user: objectSchema({
    id: INTEGER, username: TEXT, email: TEXT, first_name: TEXT, last_name: TEXT, is_active: { type: 'boolean' },
    is_staff: { type: 'boolean' }, is_superuser: { type: 'boolean' }, date_joined: DATE_TIME, last_login: nullable(DATE_TIME),
  }),
  /** A user with their groups, effective permissions and a custom model's own columns. */
  userDetail: objectSchema({
    id: INTEGER, username: TEXT, email: TEXT, first_name: TEXT, last_name: TEXT, is_active: { type: 'boolean' },
    is_staff: { type: 'boolean' }, is_superuser: { type: 'boolean' }, date_joined: DATE_TIME, last_login: nullable(DATE_TIME),
    groups: { type: 'array', items: TEXT }, permissions: { type: 'array', items: TEXT }, fields: { type: 'object' },
  }),
  outstandingToken: objectSchema({
    id: INTEGER, jti: TEXT, user_id: nullable(INTEGER), username: nullable(TEXT), created_at: nullable(DATE_TIME),
    expires_at: DATE_TIME, blacklisted_at: nullable(DATE_TIME), session_end_reason: SESSION_END_REASON,
  }),
  blacklistedToken: objectSchema({
    id: INTEGER, jti: TEXT, user_id: nullable(INTEGER), username: nullable(TEXT), blacklisted_at: DATE_TIME, expires_at: DATE_TIME,
    session_end_reason: SESSION_END_REASON,
  }),
  auditEvent: objectSchema({
    id: INTEGER, event: TEXT, user_id: nullable(INTEGER), username: TEXT, ip: TEXT, user_agent: TEXT, created_at: DATE_TIME, detail: { type: 'object' },
  }),
};

/** The docs of a paginated staff list (DRF's `PageNumberPagination`) of `item`s, with its filters. */
export function pageDocs(description: string, item: FieldSchema, filters: Record<string, string> = {}): RouteDocs {
  return {
    query: {
      ...Object.fromEntries(Object.entries(filters).map(([name, text]) => [name, { description: text }])),
      page: { description: 'The page (20 a page), from 1, or `last`.' },
    },
    responses: {
      200: { description, body: objectSchema({ count: INTEGER, next: PAGE_LINK, previous: PAGE_LINK, results: { type: 'array', items: item } }) },
      404: { description: 'No such page (`{"detail": "Invalid page."}`).', body: DETAIL_SCHEMA },
    },
  };
}

/** A row id from the URL; anything but digits is 404, as Django's `<int:pk>` would not route it. */
export function rowIdOf(text: string | undefined): number {
  if (text === undefined || !/^\d{1,15}$/.test(text)) throw new NotFound();
  return Number(text);
}

/** An absolute URL on this request's scheme and host, as DRF's `reverse(..., request=request)` gives. */
export function absoluteUrl(request: Pick<ViewRequest, 'protocol' | 'host'>, path: string): string {
  return `${request.protocol}://${request.host}${path}`;
}
