import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

type Bindings = Record<string, unknown>;
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type LogCall = (...args: unknown[]) => void;

/** pino's level values; a custom level's name is not here and is always handed on. */
const LEVEL_VALUES: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/**
 * A request's logger (`request.log`) that makes its pino child (bound to the request's id) only
 * when a line is logged through it. Fastify makes that child for every request, at any level,
 * and most requests never use it: at `info` the access log writes its line itself (see
 * `AccessLog`), and Fastify's `incoming request` line is `debug`. A child cost about 0.7 us.
 */
class RequestLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  private get logger(): FastifyBaseLogger {
    // Fastify passes `{}` when the route sets no level or serializers; pino makes a child faster without.
    const options = this.options && Object.keys(this.options).length > 0 ? this.options : undefined;
    return (this.made ??= this.parent.child(this.bindings, options));
  }

  get level(): string {
    return this.made ? this.made.level : (this.options?.level ?? this.parent.level);
  }

  set level(level: string) {
    this.logger.level = level;
  }

  /** False only when the level is known to be off, so the child is not made for nothing. */
  private on(value: number): boolean {
    return value >= (LEVEL_VALUES[this.level] ?? Number.NEGATIVE_INFINITY);
  }

  trace(...args: unknown[]): void {
    if (this.on(10)) (this.logger.trace as LogCall)(...args);
  }

  debug(...args: unknown[]): void {
    if (this.on(20)) (this.logger.debug as LogCall)(...args);
  }

  info(...args: unknown[]): void {
    if (this.on(30)) (this.logger.info as LogCall)(...args);
  }

  warn(...args: unknown[]): void {
    if (this.on(40)) (this.logger.warn as LogCall)(...args);
  }

  error(...args: unknown[]): void {
    if (this.on(50)) (this.logger.error as LogCall)(...args);
  }

  fatal(...args: unknown[]): void {
    if (this.on(60)) (this.logger.fatal as LogCall)(...args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: each request's logger, made on first use. */
export const lazyRequestLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) =>
  new RequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
