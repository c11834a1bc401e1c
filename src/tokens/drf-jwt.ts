import { TokenBackendError, type Claims, type JwtCodec } from '../crypto/index.js';
import { TesseraError, ValidationError } from '../errors.js';
import type { Clock, Settings } from '../settings/index.js';
import type { User, UserRepository } from '../store/index.js';

/**
 * djangorestframework-jwt 1.11's tokens: one `{"token"}` per login, no type, no id, no blacklist;
 * signed with the same key and algorithm as Simple JWT's (one `JwtCodec`), so both kinds can be
 * served side by side while a project moves from one package to the other.
 */
export interface DrfJwtContext {
  settings: Pick<Settings, 'jwtExpirationDelta' | 'jwtAllowRefresh' | 'jwtRefreshExpirationDelta' | 'tokenTypeClaim'>;
  codec: JwtCodec;
  clock: Clock;
}

/** drf-jwt's messages, word for word. */
export const DRF_JWT_MESSAGES = {
  expired: 'Signature has expired.',
  decoding: 'Error decoding signature.',
  invalidPayload: 'Invalid payload.',
  invalidSignature: 'Invalid signature.',
  disabled: 'User account is disabled.',
  noSuchUser: "User doesn't exist.",
  badCredentials: 'Unable to log in with provided credentials.',
  refreshExpired: 'Refresh has expired.',
  origIatRequired: 'orig_iat field is required.',
  noCredentials: 'Invalid Authorization header. No credentials provided.',
  spaces: 'Invalid Authorization header. Credentials string should not contain spaces.',
} as const;

/** Why a drf-jwt token could not be decoded, as PyJWT's exception classes tell it. */
export class DrfJwtDecodeError extends TesseraError {
  readonly code = 'token_not_valid';
  constructor(readonly reason: TokenBackendError['reason']) {
    super(reason === 'expired' ? DRF_JWT_MESSAGES.expired : DRF_JWT_MESSAGES.decoding);
    this.name = 'DrfJwtDecodeError';
  }
}

const seconds = (context: DrfJwtContext) => Math.floor(context.clock() / 1000);

/** `jwt_payload_handler`: `user_id`, `username`, `exp`, `email`, and `orig_iat` when refresh is allowed. */
export function drfJwtPayload(context: DrfJwtContext, user: User): Claims {
  const now = seconds(context);
  const payload: Claims = { user_id: user.id, username: user.username, exp: now + context.settings.jwtExpirationDelta };
  payload.email = user.email;
  if (context.settings.jwtAllowRefresh) payload.orig_iat = now;
  return payload;
}

/** `jwt_encode_handler(jwt_payload_handler(user))`. */
export function issueDrfJwt(context: DrfJwtContext, user: User): string {
  return context.codec.encode(drfJwtPayload(context, user));
}

/** `jwt_decode_handler`: verified claims, or `DrfJwtDecodeError` saying expired or undecodable. */
export function decodeDrfJwt(context: DrfJwtContext, token: string): Claims {
  try {
    return context.codec.decode(token);
  } catch (error) {
    if (error instanceof TokenBackendError) throw new DrfJwtDecodeError(error.reason);
    throw error;
  }
}

/**
 * `jwt_get_username_from_payload_handler`, refusing tokens drf-jwt never issues: a payload with
 * Simple JWT's type claim (access, refresh, or this server's activation links) is not a login.
 */
export function drfJwtUsername(context: DrfJwtContext, payload: Claims): string | null {
  if (context.settings.tokenTypeClaim in payload) return null;
  const { username } = payload;
  if (typeof username === 'string' && username !== '') return username;
  if (typeof username === 'number' && Number.isFinite(username)) return String(username);
  return null;
}

/** The checks `VerificationBaseSerializer` makes, as field-less validation errors. */
async function checkedUser(context: DrfJwtContext, users: UserRepository, token: string): Promise<{ payload: Claims; user: User }> {
  let payload: Claims;
  try {
    payload = decodeDrfJwt(context, token);
  } catch (error) {
    // drf-jwt lets PyJWT's other InvalidTokenErrors (audience, issuer, nbf) escape as a 500; they
    // are decoding errors here.
    if (error instanceof DrfJwtDecodeError) throw nonField(error.message);
    throw error;
  }
  const username = drfJwtUsername(context, payload);
  if (!username) throw nonField(DRF_JWT_MESSAGES.invalidPayload);
  const user = await users.findByUsername(username);
  if (!user) throw nonField(DRF_JWT_MESSAGES.noSuchUser);
  if (!user.isActive) throw nonField(DRF_JWT_MESSAGES.disabled);
  return { payload, user };
}

/** `VerifyJSONWebTokenSerializer`: the same token back while it is valid. */
export async function verifyDrfJwt(context: DrfJwtContext, users: UserRepository, token: string): Promise<string> {
  await checkedUser(context, users, token);
  return token;
}

/**
 * `RefreshJSONWebTokenSerializer`: a new token with a new `exp` and the same `orig_iat`, until
 * `jwtRefreshExpirationDelta` after `orig_iat`. Tokens issued while `jwtAllowRefresh` was off
 * carry no `orig_iat` and cannot be refreshed.
 */
export async function refreshDrfJwt(context: DrfJwtContext, users: UserRepository, token: string): Promise<string> {
  const { payload, user } = await checkedUser(context, users, token);
  const origIat = payload.orig_iat;
  // Python's truthiness: 0, "" and null count as missing.
  if (!origIat) throw nonField(DRF_JWT_MESSAGES.origIatRequired);
  if (typeof origIat !== 'number' || !Number.isFinite(origIat)) throw nonField(DRF_JWT_MESSAGES.decoding);
  if (seconds(context) > origIat + context.settings.jwtRefreshExpirationDelta) throw nonField(DRF_JWT_MESSAGES.refreshExpired);
  const next = drfJwtPayload(context, user);
  next.orig_iat = origIat;
  return context.codec.encode(next);
}

function nonField(message: string): ValidationError {
  return ValidationError.of('non_field_errors', message);
}
