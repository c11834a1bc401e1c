import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { ParseError } from '../errors.js';
import { parseMultipart } from './multipart.js';
import { pythonJsonError } from './python-json-error.js';

/**
 * Why each request's body could not be parsed. DRF parses when the view reads `request.data`,
 * after authentication, permissions and throttles: a malformed body from a stranger is a 401, not
 * a 400. So the parsers only note the error here, and `rejectMalformedBody` raises it just before
 * the handler.
 */
const malformedBodies = new WeakMap<FastifyRequest, ParseError>();

/**
 * DRF's parsers: JSON, urlencoded forms and multipart forms. An empty JSON body is `{}` (so the
 * fields report "required"), and a malformed one is `JSON parse error - ...` in Python's words.
 */
export async function registerBodyParsers(app: FastifyInstance): Promise<void> {
  // DRF has no text/plain parser: such a body is a 415, not a string handed to the view.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Only a truly empty body is "no data"; whitespace alone is malformed JSON, as in DRF.
    if (typeof body !== 'string' || body === '') {
      done(null, {});
      return;
    }
    const parsed = parseJson(body);
    if ('error' in parsed) {
      malformedBodies.set(request, parsed.error);
      done(null, undefined);
      return;
    }
    done(null, parsed.value);
  });
  await app.register(formbody);
  // Our own parser, not @fastify/multipart: that plugin adds two async hooks to every request
  // (most of which carry no multipart body) and needed a third to enforce bodyLimit.
  const bodyLimit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  app.addContentTypeParser('multipart/form-data', (request, payload, done) => parseMultipart(request.headers, payload, bodyLimit, (error, body) => {
    // A body past the limit stays a 413 at once: it was not read to the end.
    if (!(error instanceof ParseError)) return done(error, body);
    malformedBodies.set(request, error);
    done(null, undefined);
  }));
}

/** DRF's JSONParser: Python's json.loads, which refuses a BOM and words its refusals its own way. */
function parseJson(text: string): { value: unknown } | { error: ParseError } {
  // secure-json-parse would drop a BOM; Python refuses it.
  let reason = text.startsWith('\ufeff') ? pythonJsonError(text) : null;
  if (reason === null) {
    try {
      // secure-json-parse refuses __proto__ and constructor.prototype keys (prototype poisoning).
      return { value: secureJson.parse(text, { protoAction: 'error', constructorAction: 'error' }) };
    } catch (error) {
      // Python's words for what JSON.parse refused; a prototype key, which Python accepts, keeps ours.
      reason = pythonJsonError(text) ?? (error as Error).message;
    }
  }
  return { error: new ParseError(`JSON parse error - ${reason}`) };
}

/**
 * Raises the parse error of a malformed body (DRF's view reading `request.data`). The plugin runs
 * it as each route's last pre-handler, after authentication, permissions and throttles, so no
 * handler sees a body that did not parse. A framework adapter calls it at the same point.
 */
export function rejectMalformedBody(request: FastifyRequest): void {
  const error = malformedBodies.get(request);
  if (error) throw error;
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
