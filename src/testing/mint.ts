import { codecFromSettings, Keyring, resolveSigningKey, settingsKeys, type Claims } from '../crypto/index.js';
import type { Tessera } from '../core/index.js';
import { isHmacAlgorithm, type Clock, type Settings } from '../settings/index.js';
import type { User } from '../store/index.js';
import { AccessToken, issuePair, type TokenContext, type TokenPair, type UserDetails } from '../tokens/index.js';

/** A user to mint for: a `User` row, or `{ id, username, ... }` (the rest defaults to an active non-staff user). */
export type TestUser = Pick<User, 'id' | 'username'> & Partial<User>;

/** Whose tokens to mint: a tessera (its keys, blacklist, sessions and clock), or only its settings. */
export type TokenIssuer = Tessera | Settings;

/** What `mintAccess` and `mintPair` may change of a login's tokens. */
export interface MintOptions {
  /**
   * Claims added to the token (to both of a pair, as `customClaims` are): `is_admin`, a scope...
   * For `mintAccess` they are set last, so `exp` or `token_type` here make a deliberately bad token.
   */
  claims?: Claims;
  /** Seconds the access token lives, instead of `accessTokenLifetime`; 0 or less mints an expired one. */
  expiresIn?: number;
  /** `mintPair`: seconds the refresh token lives, instead of `refreshTokenLifetime`. */
  refreshExpiresIn?: number;
  /** With settings only: the clock the tokens' `iat` and `exp` count from (default the real time). */
  clock?: Clock;
}

/** A full `User` from a row or from `{ id, username, ... }`. */
export function userRow(user: TestUser): User {
  if (typeof user !== 'object' || user === null || typeof user.id !== 'number' || typeof user.username !== 'string') {
    throw new TypeError('tessera/testing: a user is a User row or { id, username, ... } (id a number, username a string)');
  }
  return {
    email: '', password: '!', firstName: '', lastName: '', isActive: true, isStaff: false, isSuperuser: false,
    dateJoined: new Date(0), lastLogin: null,
    ...user,
  };
}

const isTessera = (issuer: TokenIssuer): issuer is Tessera => 'tokenContext' in issuer;

/**
 * The token context of a tessera known only by its settings: the same codec and keys (the HMAC
 * key, or an asymmetric key from settings), no blacklist and no sessions. A database keyring
 * (`tessera keys generate`) needs the tessera itself.
 */
async function settingsContext(settings: Settings, clock: Clock): Promise<TokenContext> {
  const keyring = new Keyring({ clock, staticKeys: settingsKeys(settings), rows: null });
  await keyring.start();
  const codec = codecFromSettings(settings, keyring, isHmacAlgorithm(settings.algorithm) ? resolveSigningKey(settings) : '', clock);
  return { settings, codec, clock, blacklist: null };
}

/** The issuer's token context with the options' lifetimes and claims in it. */
async function contextFor(issuer: TokenIssuer, options: MintOptions, withClaims: boolean): Promise<TokenContext> {
  let context: TokenContext;
  if (isTessera(issuer)) {
    await issuer.ready(); // its keyring and revocation state loaded, as before any request
    context = issuer.tokenContext;
  } else {
    context = await settingsContext(issuer, options.clock ?? (() => Date.now()));
  }
  const { claims } = options;
  const base = context.customClaims;
  return {
    ...context,
    settings: {
      ...context.settings,
      ...(options.expiresIn !== undefined ? { accessTokenLifetime: options.expiresIn } : {}),
      ...(options.refreshExpiresIn !== undefined ? { refreshTokenLifetime: options.refreshExpiresIn } : {}),
    },
    ...(withClaims && claims ? { customClaims: async (user: User, details: UserDetails) => ({ ...(base ? await base(user, details) : {}), ...claims }) } : {}),
  };
}

/**
 * An access token for `user`, signed as the issuer signs its logins' (Simple JWT's
 * `AccessToken.for_user`): its authenticators accept it while the user exists and is active.
 */
export async function mintAccess(issuer: TokenIssuer, user: TestUser, options: MintOptions = {}): Promise<string> {
  const access = await AccessToken.forUser(await contextFor(issuer, options, false), userRow(user));
  for (const [claim, value] of Object.entries(options.claims ?? {})) access.set(claim, value);
  return access.toString();
}

/**
 * A refresh and access pair for `user`, issued as a login issues it (`issuePair`): recorded as
 * outstanding, and a session started when the tessera has `tokenFamilies` on. With settings only,
 * nothing is recorded: a tessera with the blacklist may refuse to rotate or blacklist the refresh token.
 */
export async function mintPair(issuer: TokenIssuer, user: TestUser, options: MintOptions = {}): Promise<TokenPair> {
  return issuePair(await contextFor(issuer, options, true), userRow(user));
}
