import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { authorizationParts, usesScheme } from '../auth/index.js';
import { AuthenticationFailed, NotAuthenticated, PermissionDenied, ServiceUnavailable } from '../errors.js';
import { metricsExposition, type PrometheusMetrics } from '../telemetry/index.js';

export interface MetricsRouteOptions {
  metrics: PrometheusMetrics;
  /** `metricsToken`: when set, required as `Authorization: Bearer` from any address; empty: loopback clients only. */
  token: string;
}

/** The URL Prometheus scrapes by default. */
export const METRICS_URL = '/metrics';

/**
 * `GET /metrics` (with `metrics: true`): the Prometheus text format, aggregated across
 * `--workers`. Without `metricsToken` only loopback clients may read it (the peer's own address,
 * not a forwarded one: behind a proxy on the same host, set the token); with it, a scraper
 * anywhere sends it as a Bearer token, compared in constant time. Other requests get DRF's 403
 * or 401.
 */
export async function metricsRoute(app: FastifyInstance, options: MetricsRouteOptions): Promise<void> {
  const expected = options.token ? digest(options.token) : null;
  const exposition = metricsExposition(options.metrics);
  app.get(METRICS_URL, {
    config: {
      name: 'Metrics', authentication: [],
      openapi: {
        tags: ['health'],
        summary: 'Prometheus metrics',
        responses: { 200: { description: 'The Prometheus text format (`text/plain; version=0.0.4`), every worker\'s series summed.' } },
      },
    },
  }, async (request, reply) => {
    if (expected) {
      const parts = authorizationParts(request);
      if (!usesScheme(parts, 'Bearer') || parts.length === 1) throw new NotAuthenticated();
      if (parts.length !== 2 || !timingSafeEqual(digest(parts[1]!), expected)) throw new AuthenticationFailed('Invalid token.');
    } else if (!isLoopback(request.socket.remoteAddress)) {
      throw new PermissionDenied();
    }
    let text: string;
    try {
      text = await exposition();
    } catch (error) {
      request.log.warn({ reason: (error as Error).message }, 'metrics unavailable');
      throw new ServiceUnavailable();
    }
    return reply.header('cache-control', 'no-store').type(options.metrics.registry.contentType).send(text);
  });
}

/** 127.0.0.0/8 and ::1, as IPv4 or IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** A fixed-length digest, so comparing in constant time does not depend on what length was sent. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'latin1').digest();
}
