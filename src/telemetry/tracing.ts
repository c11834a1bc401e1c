import { ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';

/** The instrumentation scope every tessera span is recorded under. */
export const TRACER_NAME = 'tessera';

/** What `trace.getTracerProvider()` delegates to while no SDK is registered. */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/**
 * tessera's tracer when an OpenTelemetry SDK is registered, else null. Each instrumented part
 * asks once, as it is built, and with null adds nothing at all to its path; so, as OpenTelemetry
 * asks anyway, register the SDK before creating tessera.
 */
export function activeTracer(): Tracer | null {
  const provider = trace.getTracerProvider();
  if (provider instanceof ProxyTracerProvider && provider.getDelegate() === NO_SDK) return null;
  return provider.getTracer(TRACER_NAME);
}

/**
 * Marks a span failed with what identifies the failure and nothing it carried: the error's class
 * and stable `code`, never its message (which may quote input) nor its stack.
 */
export function markFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute('error.type', (error as Error | undefined)?.constructor?.name ?? 'Error');
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') span.setAttribute('tessera.error.code', code);
}

/** `work` inside an active span named `name` (its children nest under it), ended when `work` settles. */
export function inSpan<T>(tracer: Tracer, name: string, attributes: Attributes, kind: SpanKind, work: () => T): T {
  return tracer.startActiveSpan(name, { attributes, kind }, (span) => {
    let result: T;
    try {
      result = work();
    } catch (error) {
      markFailed(span, error);
      span.end();
      throw error;
    }
    if (!isPromise(result)) {
      span.end();
      return result;
    }
    return result.then(
      (value) => { span.end(); return value; },
      (error: unknown) => { markFailed(span, error); span.end(); throw error; },
    ) as T;
  });
}

/**
 * The use cases of `target` (its methods, own and inherited), each in a span
 * `tessera.<group>.<method>`; `target` itself when no SDK is registered. Spans carry no
 * argument: credentials, tokens and codes are the use cases' arguments.
 */
export function traceUseCases<T extends object>(tracer: Tracer | null, group: string, target: T): T {
  if (!tracer) return target;
  const traced = Object.create(target) as Record<string, unknown>;
  for (const name of methodNames(target)) {
    const method = (target as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
    traced[name] = (...args: unknown[]) => inSpan(tracer, `tessera.${group}.${name}`, {}, SpanKind.INTERNAL, () => method.apply(target, args));
  }
  return traced as T;
}

function methodNames(target: object): Set<string> {
  const names = new Set<string>();
  for (let object: object | null = target; object && object !== Object.prototype; object = Object.getPrototypeOf(object) as object | null) {
    for (const name of Object.getOwnPropertyNames(object)) {
      if (name === 'constructor' || names.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(object, name);
      if (typeof descriptor?.value === 'function') names.add(name);
    }
  }
  return names;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | null)?.then === 'function';
}
