import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { ParseError } from '../errors.js';

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
  // Fastify's bodyLimit does not cover multipart streams, and busboy silently truncates a field
  // past fieldSize; refuse a declared-too-large multipart body up front, as any other body.
  const bodyLimit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  // A callback hook, not an async one: it runs on every request and needs no promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const length = Number(request.headers['content-length']);
    if (length > bodyLimit && /^multipart\//i.test(String(request.headers['content-type'] ?? ''))) {
      done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    done();
  });
  await app.register(formbody);
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fieldSize: 1024 * 1024, fields: 100, files: 10, fileSize: 1024 * 1024 },
  });
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
