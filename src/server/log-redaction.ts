import type { FastifyRequest } from 'fastify';
import { SEED_ACTIVATION_PATH } from '../example/index.js';

/** A URL fit for the log: the token of an activation link (`/api-activate/<jwt>/`) is replaced. */
export function redactUrl(raw: string): string {
  // The router decodes percent-escapes, so `/api%2Dactivate/...` reaches the same view. Most
  // URLs have neither an escape nor the activation path, and are logged as they are.
  if (!raw.includes('%') && !raw.includes(SEED_ACTIVATION_PATH)) return raw;
  let url = raw;
  try {
    url = decodeURIComponent(raw);
  } catch {
    // Not decodable: the router would not have matched it either.
  }
  const at = url.indexOf(SEED_ACTIVATION_PATH);
  if (at < 0) return raw;
  const start = at + SEED_ACTIVATION_PATH.length;
  const end = url.slice(start).search(/[/?#]/);
  return `${url.slice(0, start)}[redacted]${end < 0 ? '' : url.slice(start + end)}`;
}

/**
 * The URL as the log shows it: the path, redacted, without the query string, which may carry
 * what a client should not have put there (`?token=`, `?password=`).
 */
export function loggedUrl(raw: string): string {
  const query = raw.indexOf('?');
  return redactUrl(query < 0 ? raw : raw.slice(0, query));
}

/** Fastify's request serializer for pino, with the URL as `loggedUrl` gives it. */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
