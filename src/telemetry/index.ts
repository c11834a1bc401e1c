export { UNMATCHED_ROUTE, type ActiveKey, type LoginOutcome, type RefreshOutcome, type TesseraMetrics } from './metrics.js';
export { PrometheusMetrics, prometheusMetrics, promClient, type PrometheusMetricsOptions } from './prometheus-metrics.js';
export { activeTracer, inSpan, markFailed, traceUseCases, TRACER_NAME } from './tracing.js';
export { answerWorkersMetrics, metricsExposition } from './cluster-metrics.js';
