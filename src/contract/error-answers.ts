import {
  AuthenticationFailed, InvalidInput, InvalidToken, NotAuthenticated, NotFound, ParseError, PermissionDenied, ServiceUnavailable, Throttled, ValidationError,
} from '../errors.js';
import { SessionEnded, TokenError } from '../tokens/index.js';
import { SecondFactorRequired } from '../core/index.js';
import { DisallowedHost } from './allowed-hosts.js';
import { BadRequest, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType } from './http-errors.js';
import { NotAcceptable } from './negotiation.js';

/** An error as it goes on the wire. */
export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  /** True when the answer needs `WWW-Authenticate` (or, for a view without a challenge, becomes a 403). */
  challenge: boolean;
}

/**
 * The one place where errors become HTTP answers, shaped as DRF + Simple JWT shape them, for every
 * adapter. Anything unknown is null: the adapter answers it as a 500 with a fixed message (or as
 * its framework's own 4xx) and logs the details, never sending them to the client.
 */
export function errorAnswer(error: unknown): ErrorAnswer | null {
  // A password login for a user with a second factor, from a view of the application's own:
  // its challenge, never its tokens (tessera's views answer it themselves, audited as such).
  if (error instanceof SecondFactorRequired) return answer(200, { ...error.challenge });
  if (error instanceof ValidationError) return answer(400, error.fields);
  if (error instanceof ParseError || error instanceof BadRequest) return answer(400, { detail: error.message });
  if (error instanceof InvalidInput) return answer(400, { detail: error.message, code: error.code });
  if (error instanceof TokenError) return answer(401, { detail: error.message, code: 'token_not_valid' }, true);
  // Simple JWT's body for a refused refresh, and why session policy ended the session.
  if (error instanceof SessionEnded) return answer(401, { detail: error.message, code: error.code, reason: error.reason }, true);
  if (error instanceof InvalidToken) {
    return answer(401, { detail: error.message, code: error.code, ...(error.messages ? { messages: error.messages } : {}) }, true);
  }
  if (error instanceof AuthenticationFailed) {
    return answer(401, error.showCode ? { detail: error.message, code: error.code } : { detail: error.message }, true);
  }
  if (error instanceof NotAuthenticated) return answer(401, { detail: error.message }, true);
  if (error instanceof PermissionDenied) return answer(403, error.showCode ? { detail: error.message, code: error.code } : { detail: error.message });
  if (error instanceof NotFound) return answer(404, { detail: error.message });
  if (error instanceof MethodNotAllowed) return answer(405, { detail: error.message });
  // Django answers its plain "Bad Request (400)" page; the contract's JSON carries the same words.
  if (error instanceof DisallowedHost) return answer(400, { detail: 'Bad Request' });
  if (error instanceof NotAcceptable) return answer(406, { detail: error.message });
  if (error instanceof PayloadTooLarge) return answer(413, { detail: error.message });
  if (error instanceof UnsupportedMediaType) return answer(415, { detail: error.message });
  if (error instanceof Throttled) return answer(429, { detail: error.message });
  // The database is down or too slow (the store raises this for connection errors and timeouts).
  if (error instanceof ServiceUnavailable) return answer(503, { detail: error.message });
  return null;
}

/** The answer to an error no one meant: a fixed message, the details kept for the log. */
export const SERVER_ERROR: ErrorAnswer = answer(500, { detail: 'A server error occurred.' });

function answer(status: number, body: Record<string, unknown>, challenge = false): ErrorAnswer {
  return { status, body, challenge };
}
