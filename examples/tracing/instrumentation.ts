/**
 * The OpenTelemetry Node SDK, registered before tessera is built (tessera asks once, as it is
 * built, whether an SDK is there): every span goes to the console as it ends. In production swap
 * `ConsoleSpanExporter` for an OTLP exporter and `SimpleSpanProcessor` for `BatchSpanProcessor`.
 */
import { ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
// Also registers the AsyncLocalStorage context manager (spans nest across awaits) and W3C `traceparent`.
provider.register();
