import type { FastifyError } from 'fastify';
import { errorAnswer, SERVER_ERROR, type ErrorAnswer } from '../contract/index.js';

/**
 * Fastify's errors and tessera's as DRF answers them: the contract's `errorAnswer`, after
 * Fastify's own body errors get DRF's words.
 */
export function toErrorAnswer(error: unknown, contentType = ''): ErrorAnswer {
  return errorAnswer(error) ?? fromFastify(error as FastifyError, contentType);
}

function fromFastify(error: FastifyError, contentType: string): ErrorAnswer {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // Fastify's message does not name the type; DRF quotes the request's Content-Type as sent.
      return { status: 415, body: { detail: `Unsupported media type "${contentType}" in request.` }, challenge: false };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { detail: 'Request body is too large.' }, challenge: false };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: { detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)' }, challenge: false };
  }
  const status = error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, body: { detail: error.message }, challenge: false };
  return SERVER_ERROR;
}
