import type { FastifyRequest } from 'fastify';
import { SEED_ACTIVATION_PATH } from '../example/index.js';

/** A URL fit for the log: the token of an activation link (`/api-activate/<jwt>/`) is replaced. */
export function redactUrl(raw: string): string {
  // The router decodes percent-escapes, so `/api%2Dactivate/...` reaches the same view.
  let url = raw;
  try {
    url = decodeURIComponent(raw);
  } catch {
    // Not decodable: the router would not have matched it either.
  }
  const at = url.indexOf(SEED_ACTIVATION_PATH);
  if (at < 0) return raw;
  if (at < 0) return url;
  const start = at + SEED_ACTIVATION_PATH.length;
  const end = url.slice(start).search(/[/?#]/);
  return `${url.slice(0, start)}[redacted]${end < 0 ? '' : url.slice(start + end)}`;
}

/** Fastify's request serializer for pino, with the URL redacted. */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
