import type { FastifyError } from 'fastify';
import {
  AuthenticationFailed, InvalidToken, NotAuthenticated, NotFound, ParseError, PermissionDenied, ServiceUnavailable, TesseraError, Throttled, ValidationError,
} from '../errors.js';
import { TokenError } from '../tokens/index.js';
import { DisallowedHost } from './allowed-hosts.js';
import { NotAcceptable } from './negotiation.js';

/** An error as it goes on the wire. */
export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  /** True when the answer needs `WWW-Authenticate`. */
  challenge: boolean;
}

/** DRF's `MethodNotAllowed`. */
export class MethodNotAllowed extends TesseraError {
  readonly code = 'method_not_allowed';
  constructor(readonly method: string) {
    super(`Method "${method}" not allowed.`);
    this.name = 'MethodNotAllowed';
  }
}

/**
 * The one place where errors become HTTP answers, shaped as DRF + Simple JWT shape them. Anything
 * unknown is a 500 with a fixed message; its details go to the log, never to the client.
 */
export function toErrorAnswer(error: unknown, contentType = ''): ErrorAnswer {
  if (error instanceof ValidationError) return answer(400, error.fields);
  if (error instanceof ParseError) return answer(400, { detail: error.message });
  if (error instanceof TokenError) return answer(401, { detail: error.message, code: 'token_not_valid' }, true);
  if (error instanceof InvalidToken) {
    return answer(401, { detail: error.message, code: error.code, ...(error.messages ? { messages: error.messages } : {}) }, true);
  }
  if (error instanceof AuthenticationFailed) {
    return answer(401, error.showCode ? { detail: error.message, code: error.code } : { detail: error.message }, true);
  }
  if (error instanceof NotAuthenticated) return answer(401, { detail: error.message }, true);
  if (error instanceof PermissionDenied) return answer(403, { detail: error.message });
  if (error instanceof NotFound) return answer(404, { detail: error.message });
  if (error instanceof MethodNotAllowed) return answer(405, { detail: error.message });
  // Django answers its plain "Bad Request (400)" page; the contract's JSON carries the same words.
  if (error instanceof DisallowedHost) return answer(400, { detail: 'Bad Request' });
  if (error instanceof NotAcceptable) return answer(406, { detail: error.message });
  if (error instanceof Throttled) return answer(429, { detail: error.message });
  // The database is down or too slow (the store raises this for connection errors and timeouts).
  if (error instanceof ServiceUnavailable) return answer(503, { detail: error.message });
  return fromFastify(error as FastifyError, contentType);
}

function fromFastify(error: FastifyError, contentType: string): ErrorAnswer {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // Fastify's message does not name the type; DRF quotes the request's Content-Type as sent.
      return answer(415, { detail: `Unsupported media type "${contentType}" in request.` });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return answer(413, { detail: 'Request body is too large.' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return answer(400, { detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)' });
  }
  const status = error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return answer(status, { detail: error.message });
  return answer(500, { detail: 'A server error occurred.' });
}

function answer(status: number, body: Record<string, unknown>, challenge = false): ErrorAnswer {
  return { status, body, challenge };
}
