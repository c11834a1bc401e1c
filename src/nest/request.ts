import type { IncomingHttpHeaders } from 'node:http';
import type { User } from '../store/index.js';
import type { Token } from '../tokens/index.js';

/**
 * What tessera reads and sets on the request Nest hands a guard: Express's `Request` and
 * Fastify's `FastifyRequest` both have these (`ip` follows each platform's proxy settings).
 */
export interface NestHttpRequest {
  method: string;
  url: string;
  originalUrl?: string;
  headers: IncomingHttpHeaders;
  ip?: string;
  body?: unknown;
  /** The authenticated user (DRF's `request.user`); undefined for an anonymous request. */
  user?: User | undefined;
  /** The validated token that authenticated the request, if any (DRF's `request.auth`). */
  auth?: Token | undefined;
}
