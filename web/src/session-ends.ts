/** Why a session ended, in words (`end_reason` of `GET /api/sessions/?ended=true`). */
const END_REASON_WORDS: Record<string, string> = {
  logout: 'Signed out',
  expired: 'Expired',
  idle: 'Idle too long',
  evicted: 'Signed in elsewhere (limit)',
  reused: 'Refresh token reused',
  password_changed: 'Password changed',
  deactivated: 'Account deactivated',
  staff: 'Ended by staff',
};

/** The words for a stored reason; a session ended before reasons were kept (null) or by a newer server's reason just "Ended". */
export function endReasonWords(reason: string | null): string {
  return (reason !== null && Object.hasOwn(END_REASON_WORDS, reason) ? END_REASON_WORDS[reason] : undefined) ?? 'Ended';
}
