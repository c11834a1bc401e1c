/**
 * What every ceiling answers to `GET /api/user/`: the body tessera's `/api/user/` answers and the
 * headers it sends besides the framework's own (Django's security set, DRF's `Vary` and `Allow`),
 * so a ceiling writes an answer of the same size and header count and the ratio measures
 * authentication and DRF's pipeline, not a shorter answer.
 */
export const USER_BODY = { id: 1, username: 'shoumitro' } as const;

export const USER_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  vary: 'Accept',
  allow: 'GET, HEAD, OPTIONS',
};

/** The port a ceiling listens on: its first argument. */
export function portArgument(): number {
  return Number(process.argv[2] ?? 0);
}
