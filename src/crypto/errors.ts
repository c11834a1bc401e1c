/** A token the backend could not decode or verify (Simple JWT's `TokenBackendError`). */
export class TokenBackendError extends Error {
  constructor(message = 'Token is invalid or expired') {
    super(message);
    this.name = 'TokenBackendError';
  }
}
