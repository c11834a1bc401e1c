import type { Authenticator } from '../auth/index.js';

/**
 * The authentication classes a guard tried on a request, so a 401 for it challenges as DRF's
 * does, with the view's first class (a guard may name its own with `@AuthenticationClasses`).
 */
const triedOn = new WeakMap<object, readonly Authenticator[]>();

export function rememberAuthenticators(request: object, authenticators: readonly Authenticator[]): void {
  triedOn.set(request, authenticators);
}

export function authenticatorsTriedOn(request: object): readonly Authenticator[] | undefined {
  return triedOn.get(request);
}
