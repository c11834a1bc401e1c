import { assertMayChangeAccount, assertMayChangeStaffStatus, assertMayEndSessionsOf } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { NotFound, ValidationError } from '../../errors.js';
import type { User } from '../../store/index.js';
import { addAuditDetail, setAuditSubject } from '../audit-notes.js';
import { renderDateTime } from '../date-time-field.js';
import { booleanField, validate } from '../fields.js';
import { paginate, queryParam } from '../pagination.js';
import { objectSchema } from '../route-docs.js';
import type { View } from '../view.js';
import { pageDocs, rowIdOf, STAFF_SCHEMAS, staffOnly } from './admin-view-config.js';
import { signedInUser } from './view-requests.js';

/**
 * The staff API's users: `GET /api/admin/users/?search=` (paginated), `GET|PATCH
 * /api/admin/users/<id>/` (`is_active`, `is_staff`), `POST /api/admin/users/<id>/logout-all/`.
 * Deactivating a user or logging them out everywhere ends every session and token they hold.
 * Only a superuser acts on a superuser or on staff status (src/auth/staff-rules.ts).
 */
export function adminUserViews(tessera: Tessera): View[] {
  const { users, authTokens } = tessera.store;

  /**
   * Ends every session of the user (token families and Django session logins) and every token
   * issued to them so far (the cut-off; their DRF auth token is deleted); answers how many sessions ended.
   */
  const endEverything = async (userId: number): Promise<number> => {
    const ended = await tessera.sessions.endAll(userId, { reason: 'staff' });
    await authTokens.deleteForUser(userId);
    return ended;
  };
  const userNamed = async (id: string | undefined): Promise<User> => {
    const user = await users.findById(rowIdOf(id));
    if (!user) throw new NotFound();
    return user;
  };

  const changeFields = { is_active: booleanField(), is_staff: booleanField() };
  const oneUser = { 200: { description: 'The user, with their groups, effective permissions and own fields.', body: STAFF_SCHEMAS.userDetail } };
  /** The detail adds what Django's admin shows beside the user: groups, permissions, a custom model's columns. */
  const userDetail = async (user: User) => ({
    ...userBody(user),
    groups: await tessera.permissions.groupsOf(user.id),
    permissions: await tessera.permissions.permissionsOf(user),
    fields: await tessera.permissions.fieldsOf(user.id),
  });

  return [
    {
      method: 'GET',
      url: '/api/admin/users/',
      config: staffOnly('Staff User List', 'Users, by id; `?search=` matches username, email, first and last name.', {
        openapi: pageDocs('One page of users.', STAFF_SCHEMAS.user, { search: 'Part of the username, email, first or last name (any case).' }),
      }),
      handle: (request) => {
        const search = queryParam(request, 'search') ?? '';
        return paginate(request, () => users.countSearch(search), (window) => users.search(search, window).then((found) => found.map(userBody)));
      },
    },
    {
      method: 'GET',
      url: '/api/admin/users/:id/',
      config: staffOnly('Staff User Detail', 'One user.', { openapi: { responses: oneUser } }),
      handle: async (request) => userDetail(await userNamed(request.params.id)),
    },
    {
      method: 'PATCH',
      url: '/api/admin/users/:id/',
      config: staffOnly(
        'Staff User Detail', 'Activates or deactivates a user, or gives or takes staff status; deactivation ends their sessions. Only a superuser may change a superuser or staff status.',
        { audit: 'user_updated', openapi: { body: changeFields, responses: oneUser } },
      ),
      handle: async (request) => {
        const user = await userNamed(request.params.id);
        const me = signedInUser(request);
        // DRF's order: the object's permission before the body's validation.
        assertMayChangeAccount(me, user);
        const input = validate(request.data, changeFields, { partial: true });
        assertMayChangeStaffStatus(me, user, input.is_staff);
        if (user.id === me.id && input.is_active === false) {
          throw ValidationError.of('non_field_errors', 'You cannot deactivate your own account.');
        }
        if (user.id === me.id && input.is_staff === false) {
          throw ValidationError.of('non_field_errors', 'You cannot remove staff status from your own account.');
        }
        const changes: Record<string, boolean> = {};
        if (input.is_staff !== undefined && input.is_staff !== user.isStaff) {
          await users.setStaff(user.id, input.is_staff);
          changes.is_staff = input.is_staff;
        }
        if (input.is_active !== undefined && input.is_active !== user.isActive) {
          await users.setActive(user.id, input.is_active);
          // As account changes do (djoser's email change, deletion): a deactivated user keeps no session.
          if (!input.is_active) await endEverything(user.id);
          changes.is_active = input.is_active;
        }
        setAuditSubject(request, user);
        addAuditDetail(request, { staff: me.username, changes });
        return userDetail((await users.findById(user.id)) ?? user);
      },
    },
    {
      method: 'POST',
      url: '/api/admin/users/:id/logout-all/',
      config: staffOnly(
        'Staff Logout All', 'Ends every session and token of the user (a superuser\'s: superusers only).',
        { audit: 'sessions_revoked', openapi: { responses: { 200: { description: 'How many sessions ended.', body: objectSchema({ ended: { type: 'integer' } }) } } } },
      ),
      handle: async (request) => {
        const user = await userNamed(request.params.id);
        const me = signedInUser(request);
        assertMayEndSessionsOf(me, user);
        const ended = await endEverything(user.id);
        setAuditSubject(request, user);
        addAuditDetail(request, { staff: me.username, ended });
        return { ended };
      },
    },
  ];
}

/** A user as the staff API shows it (never the password hash). */
function userBody(user: User) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    is_active: user.isActive,
    is_staff: user.isStaff,
    is_superuser: user.isSuperuser,
    date_joined: renderDateTime(user.dateJoined),
    last_login: user.lastLogin ? renderDateTime(user.lastLogin) : null,
  };
}
