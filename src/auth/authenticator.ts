import type { User } from '../store/index.js';
import type { Token } from '../tokens/index.js';

/** The parts of a request an authenticator may read; framework-neutral. */
export interface RequestCredentials {
  method: string;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body, when read after body parsing (Django's CSRF check reads a form's token). */
  body?: unknown;
}

export interface Authenticated {
  user: User;
  /** The validated token, when the scheme uses one. */
  token: Token | null;
}

/**
 * One of DRF's authentication classes: null when the request does not use its scheme, a user
 * when it does and is right, and a thrown `AuthenticationFailed` when it does and is wrong.
 */
export interface Authenticator {
  authenticate(request: RequestCredentials): Promise<Authenticated | null>;
  /**
   * What `authenticate` would accept, found without waiting on anything (no database, no key
   * reload, no promise); undefined whenever that is not certain, refusals included: the caller
   * then runs `authenticate`. The common request (a valid token seen before, its user read a
   * moment ago) skips the promise chain, which was most of authentication's cost on a GET.
   */
  authenticateNow?(request: RequestCredentials): Authenticated | undefined;
  /** `WWW-Authenticate` value for 401s, or null (then failures answer 403, as in DRF). */
  authenticateHeader(): string | null;
}

/** Runs authenticators in order; the first that recognises its scheme decides. */
export async function authenticateRequest(
  authenticators: readonly Authenticator[],
  request: RequestCredentials,
): Promise<Authenticated | null> {
  for (const authenticator of authenticators) {
    const result = await authenticator.authenticate(request);
    if (result) return result;
  }
  return null;
}
