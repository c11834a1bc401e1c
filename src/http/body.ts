import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ParseError } from '../errors.js';
import { parseFormBody, parseJsonBody, parseMultipart, requestDataOf } from '../contract/index.js';

/**
 * Why each request's body could not be parsed. DRF parses when the view reads `request.data`,
 * after authentication, permissions and throttles: a malformed body from a stranger is a 401, not
 * a 400. So the parsers only note the error here, and `rejectMalformedBody` raises it just before
 * the handler.
 */
const malformedBodies = new WeakMap<FastifyRequest, ParseError>();

/**
 * The contract's parsers (JSON, urlencoded forms, multipart forms) as Fastify content-type
 * parsers. DRF has no text/plain parser: such a body is a 415, not a string handed to the view.
 */
export async function registerBodyParsers(app: FastifyInstance): Promise<void> {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const parsed = parseJsonBody(typeof body === 'string' ? body : '');
    if ('error' in parsed) {
      malformedBodies.set(request, parsed.error);
      return done(null, undefined);
    }
    done(null, parsed.value);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseFormBody(typeof body === 'string' ? body : ''));
  });
  // Our own multipart parser, not @fastify/multipart: that plugin adds two async hooks to every
  // request (most of which carry no multipart body) and needed a third to enforce bodyLimit.
  const bodyLimit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  app.addContentTypeParser('multipart/form-data', (request, payload, done) => parseMultipart(request.headers, payload, bodyLimit, (error, body) => {
    // A body past the limit stays a 413 at once: it was not read to the end.
    if (!(error instanceof ParseError)) return done(error, body);
    malformedBodies.set(request, error);
    done(null, undefined);
  }));
  // DRF's `request.data` on every request: what makes a Fastify request a view request.
  app.decorateRequest('data', {
    getter(this: FastifyRequest) {
      return requestDataOf(this.body, String(this.headers['content-type'] ?? ''));
    },
  });
}

/**
 * Raises the parse error of a malformed body (DRF's view reading `request.data`). The plugin runs
 * it as each route's last pre-handler, after authentication, permissions and throttles, so no
 * handler sees a body that did not parse.
 */
export function rejectMalformedBody(request: FastifyRequest): void {
  const error = malformedBodies.get(request);
  if (error) throw error;
}

/** The parsed body (DRF's `request.data`). */
export function requestData(request: FastifyRequest): unknown {
  return requestDataOf(request.body, String(request.headers['content-type'] ?? ''));
}
