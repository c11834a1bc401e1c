import { StacklessError } from '../errors.js';

/** A token the backend could not decode or verify (Simple JWT's `TokenBackendError`). */
export class TokenBackendError extends StacklessError {
  readonly code = 'token_not_valid';
  /**
   * What PyJWT would have raised, for callers whose messages tell them apart (djangorestframework-jwt):
   * `expired` (ExpiredSignatureError), `claims` (a bad `aud`/`iss`/`nbf`: InvalidTokenError), or
   * `invalid` (DecodeError: malformed, bad signature, wrong algorithm).
   */
  readonly reason: 'expired' | 'claims' | 'invalid';

  constructor(message = 'Token is invalid or expired', reason: TokenBackendError['reason'] = 'invalid') {
    super(message);
    this.reason = reason;
    this.name = 'TokenBackendError';
  }
}
