import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { ParseError } from '../errors.js';

/**
 * DRF's parsers: JSON, urlencoded forms and multipart forms. An empty JSON body is `{}` (so the
 * fields report "required"), and a malformed one is `JSON parse error - ...`.
 */
export async function registerBodyParsers(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (typeof body !== 'string' || body.trim() === '') {
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
