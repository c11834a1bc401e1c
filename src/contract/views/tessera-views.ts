import type { Tessera } from '../../core/index.js';
import type { View } from '../view.js';
import { accountViews } from './account-views.js';
import { adminViews } from './admin-views.js';
import { authTokenViews } from './authtoken-views.js';
import { keyViews } from './key-views.js';
import { passkeyViews } from './passkey-views.js';
import { reauthenticateViews } from './reauthenticate-views.js';
import { revocationFeedViews } from './revocation-feed-views.js';
import { sessionViews } from './session-views.js';
import { slidingViews } from './sliding-views.js';
import { tokenSessionViews } from './token-session-views.js';
import { tokenViews, type TokenViewUrls } from './token-views.js';
import { loginChallengeViews } from './login-challenge-views.js';
import { twoFactorViews } from './two-factor-views.js';
import { staffNeedSecondFactor } from './staff-two-factor.js';

/** Which of tessera's views an adapter serves, and at which URLs. */
export interface TesseraViewOptions {
  /** URLs for the token views; each may have several spellings (seed 004's `gettoken/`). */
  tokenRoutes?: TokenViewUrls;
  /** djoser's account views under this prefix (`/auth`); none without it. */
  accountsPrefix?: string;
}

/**
 * Every view tessera serves with these settings, the one list each adapter mounts: Simple JWT's
 * token views (sliding ones when configured), the keys and JWKS, the revocation feed (when its
 * secret is set), "your sessions", the staff API behind the console, DRF's token and session
 * views where their classes are configured (seed 001's urls), and djoser's account views when asked.
 */
export function tesseraViews(tessera: Tessera, options: TesseraViewOptions = {}): View[] {
  const { settings } = tessera;
  return [
    ...tokenViews(tessera, options.tokenRoutes),
    // Off, tokens carry no login time to renew.
    ...(settings.freshLoginMaxAge > 0 ? reauthenticateViews(tessera) : []),
    ...(settings.authTokenClasses.includes('sliding') ? slidingViews(tessera, options.tokenRoutes) : []),
    ...keyViews(tessera),
    ...revocationFeedViews(tessera),
    ...tokenSessionViews(tessera),
    ...passkeyViews(tessera),
    ...staffNeedSecondFactor(tessera, adminViews(tessera)),
    ...(settings.authenticationClasses.includes('token') ? authTokenViews(tessera) : []),
    ...(settings.authenticationClasses.includes('session') ? sessionViews(tessera) : []),
    ...(options.accountsPrefix !== undefined ? accountViews(tessera, { prefix: options.accountsPrefix }) : []),
    ...loginChallengeViews(tessera),
    ...twoFactorViews(tessera),
  ];
}
