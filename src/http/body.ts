import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { ParseError } from '../errors.js';
import { parseMultipart } from './multipart.js';

/**
 * DRF's parsers: JSON, urlencoded forms and multipart forms. An empty JSON body is `{}` (so the
 * fields report "required"), and a malformed one is `JSON parse error - ...`.
 */
export async function registerBodyParsers(app: FastifyInstance): Promise<void> {
  // DRF has no text/plain parser: such a body is a 415, not a string handed to the view.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    // Only a truly empty body is "no data"; whitespace alone is malformed JSON, as in DRF.
    if (typeof body !== 'string' || body === '') {
      done(null, {});
      return;
    }
    try {
      // secure-json-parse refuses __proto__ and constructor.prototype keys (prototype poisoning).
      done(null, secureJson.parse(body, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      done(new ParseError(`JSON parse error - ${(error as Error).message}`), undefined);
    }
  });
  await app.register(formbody);
  // Our own parser, not @fastify/multipart: that plugin adds two async hooks to every request
  // (most of which carry no multipart body) and needed a third to enforce bodyLimit.
  const bodyLimit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  app.addContentTypeParser('multipart/form-data', (request, payload, done) => parseMultipart(request.headers, payload, bodyLimit, done));
}

/** The parsed body (DRF's `request.data`); in a form a repeated key keeps its last value, as in `QueryDict`. */
export function requestData(request: FastifyRequest): unknown {
  const body = request.body;
  const type = String(request.headers['content-type'] ?? '');
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    out[key] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return out;
}
