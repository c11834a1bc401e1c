/**
 * Why a session (refresh token family) ended:
 * - `logout`: the user ended it (a device's "Sign out", "log out everywhere");
 * - `expired`: it reached `sessionAbsoluteLifetime` from its login;
 * - `idle`: it went unused (no refresh) for `sessionIdleTimeout`;
 * - `evicted`: a newer login pushed it past `sessionsPerUser`;
 * - `reused`: a rotated refresh token came back after the grace window (refresh answers `token_reused`);
 * - `password_changed`: the password was changed or reset;
 * - `deactivated`: the account was deactivated (an email change awaiting activation) or deleted;
 * - `staff`: staff ended it (the staff API's logout-all or deactivation).
 */
export type FamilyEndReason = 'logout' | 'expired' | 'idle' | 'evicted' | 'reused' | 'password_changed' | 'deactivated' | 'staff';

/** Every reason, in the order the docs list them. */
export const FAMILY_END_REASONS: readonly FamilyEndReason[] = [
  'logout', 'expired', 'idle', 'evicted', 'reused', 'password_changed', 'deactivated', 'staff',
];

/** The reasons an ending by session policy gives: refresh answers "Session has expired" with the reason. */
export type PolicyEndReason = Extract<FamilyEndReason, 'expired' | 'idle' | 'evicted'>;

/** True for the reasons session policy ends sessions for (`expired`, `idle`, `evicted`). */
export function isPolicyEndReason(reason: FamilyEndReason | null): reason is PolicyEndReason {
  return reason === 'expired' || reason === 'idle' || reason === 'evicted';
}

/**
 * The names releases before session policy stored, and the reason each became (migration 0011
 * rewrites the rows; a process of an older release may still announce them over Redis).
 */
export const LEGACY_END_REASONS: Readonly<Record<string, FamilyEndReason>> = {
  reuse: 'reused',
  account: 'password_changed',
  admin: 'staff',
};

/** A stored (or announced) reason, or null for none or one this version does not know. */
export function toEndReason(value: unknown): FamilyEndReason | null {
  if (typeof value !== 'string') return null;
  if ((FAMILY_END_REASONS as readonly string[]).includes(value)) return value as FamilyEndReason;
  return Object.hasOwn(LEGACY_END_REASONS, value) ? LEGACY_END_REASONS[value]! : null;
}
