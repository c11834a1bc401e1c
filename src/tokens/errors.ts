import { StacklessError } from '../errors.js';

/** A token that must not be used; the message is shown to the client (Simple JWT's `TokenError`). */
export class TokenError extends StacklessError {
  readonly code = 'token_not_valid';
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

/** The messages Simple JWT sends, word for word. */
export const TOKEN_MESSAGES = {
  invalidOrExpired: 'Token is invalid or expired',
  wrongType: 'Token has wrong type',
  noType: 'Token has no type',
  noId: 'Token has no id',
  blacklisted: 'Token is blacklisted',
  noClaim: (claim: string) => `Token has no '${claim}' claim`,
  claimExpired: (claim: string) => `Token '${claim}' claim has expired`,
} as const;
