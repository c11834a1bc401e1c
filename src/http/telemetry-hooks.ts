import type { FastifyInstance, FastifyRequest } from 'fastify';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { UNMATCHED_ROUTE, type TesseraMetrics } from '../telemetry/index.js';

/**
 * A span per request named `METHOD /route/pattern/` (the route, never the URL: activation links
 * carry tokens), and `tessera_http_request_duration_seconds` by route pattern and status. Each
 * is added only when asked for (metrics on, an OpenTelemetry SDK registered), so otherwise no
 * request pays a hook for them.
 */
export function registerTelemetryHooks(app: FastifyInstance, metrics: TesseraMetrics | null, tracer: Tracer | null): void {
  if (tracer) traceRequests(app, tracer);
  if (metrics) {
    app.addHook('onResponse', (request, reply, done) => {
      metrics.httpRequest(request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
}

function traceRequests(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, { span: Span; active: Context }>();
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    // A caller's `traceparent` makes this span its child (with an SDK's propagator registered).
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route, 'url.scheme': request.protocol },
    }, parent);
    const active = trace.setSpan(parent, span);
    spans.set(request, { span, active });
    context.with(active, done);
  });
  // The body arrives in the socket's context: the view and its use cases run in the request's again.
  app.addHook('preHandler', (request, _reply, done) => {
    const entry = spans.get(request);
    if (entry) context.with(entry.active, done);
    else done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const entry = spans.get(request);
    if (entry) {
      entry.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
      entry.span.end();
      spans.delete(request);
    }
    done();
  });
}
