import type { Authenticator } from '../auth/index.js';
import type { Settings } from '../settings/index.js';

/**
 * DRF's `WWW-Authenticate` for a 401: the first class the view authenticates with names it;
 * Simple JWT's token views, which have none, still challenge with the JWT scheme. Null for a
 * class without a challenge (Session): DRF then answers 403 instead.
 */
export function challengeOf(authenticators: readonly Authenticator[], settings: Pick<Settings, 'authHeaderTypes'>): string | null {
  const first = authenticators[0];
  return first ? first.authenticateHeader() : `${settings.authHeaderTypes[0]} realm="api"`;
}

/**
 * The classes an adapter's authentication step tried on a request (Express, Nest) or on the error
 * it threw (tessera/web's `errorResponse` gets only the error), for an error handler that answers
 * the refusal later and must challenge with the route's classes, not the settings'.
 */
const triedOn = new WeakMap<object, readonly Authenticator[]>();

/** Records the classes `request` (or the refusal thrown for it) was authenticated with (the route's own, or the settings'). */
export function rememberAuthenticators(request: object, authenticators: readonly Authenticator[]): void {
  triedOn.set(request, authenticators);
}

/** The classes recorded for `request` (or the error), if an authentication step ran on it. */
export function authenticatorsTriedOn(request: object): readonly Authenticator[] | undefined {
  return triedOn.get(request);
}
