import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * The Node SDK with an in-memory exporter, registered globally (with its AsyncLocalStorage
 * context manager): import this before building tessera, as an application registers its SDK first.
 */
export const exporter = new InMemorySpanExporter();
export const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

/** The span whose id is `span`'s parent, among `spans`. */
export function parentOf(span: ReadableSpan, spans: readonly ReadableSpan[]): ReadableSpan | undefined {
  const parentId = span.parentSpanContext?.spanId;
  return parentId ? spans.find((other) => other.spanContext().spanId === parentId) : undefined;
}

/** `span`'s ancestors, nearest first. */
export function ancestorsOf(span: ReadableSpan, spans: readonly ReadableSpan[]): ReadableSpan[] {
  const chain: ReadableSpan[] = [];
  for (let parent = parentOf(span, spans); parent; parent = parentOf(parent, spans)) chain.push(parent);
  return chain;
}

/** Every attribute value of every span, as text. */
export function attributeTexts(spans: readonly ReadableSpan[]): string[] {
  return spans.flatMap((span) => [span.name, ...Object.values(span.attributes).map((value) => String(value))]);
}
