import { PermissionDenied } from '../errors.js';
import type { User } from '../store/index.js';

/**
 * What a staff member may do to another account. Staff (`IsAdminUser`) manage ordinary accounts;
 * only a superuser may change a superuser, end a superuser's sessions, or grant or remove staff
 * status: otherwise any staff member could lock every superuser out, or make an accomplice staff.
 * Each check throws `PermissionDenied` (403) before anything is written. The operator's CLI is
 * not bound by these rules.
 */
const SUPERUSER_ONLY = {
  changeSuperuser: 'Only a superuser may change a superuser.',
  endSuperuserSessions: 'Only a superuser may end a superuser\'s sessions.',
  staffStatus: 'Only a superuser may grant or remove staff status.',
} as const;

/** Refuses a change of any field of `account` (the staff API's PATCH) unless `staff` may make it. */
export function assertMayChangeAccount(staff: User, account: User): void {
  if (account.isSuperuser && !staff.isSuperuser) throw new PermissionDenied(SUPERUSER_ONLY.changeSuperuser);
}

/** Refuses setting `account`'s staff status to `isStaff` unless `staff` is a superuser; a value it already has grants nothing. */
export function assertMayChangeStaffStatus(staff: User, account: User, isStaff: boolean | undefined): void {
  if (isStaff === undefined || isStaff === account.isStaff) return;
  if (!staff.isSuperuser) throw new PermissionDenied(SUPERUSER_ONLY.staffStatus);
}

/**
 * Refuses ending sessions of `owner` (logout-all, or blacklisting one of their tokens) unless
 * `staff` may; a token whose user is gone (`null`) is anyone's to end.
 */
export function assertMayEndSessionsOf(staff: User, owner: User | null): void {
  if (owner?.isSuperuser && !staff.isSuperuser) throw new PermissionDenied(SUPERUSER_ONLY.endSuperuserSessions);
}
