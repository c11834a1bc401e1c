import { hostname } from 'node:os';
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { loggedUrl } from './log-redaction.js';

/** Where pino writes its lines (sonic-boom on stdout, or the `logStream` tests give). */
interface LineDestination {
  write(line: string): unknown;
  /** sonic-boom's: writes what it holds before the process exits. */
  flushSync?(): void;
}

/**
 * The pino logger's destination, found by the symbol's description as pino keeps it private. Null
 * when a later pino keeps it elsewhere: the access log then goes through pino as before
 * (test/server/app.test.ts checks it is found).
 */
export function pinoDestinationOf(logger: FastifyBaseLogger): LineDestination | null {
  const key = Object.getOwnPropertySymbols(logger).find((symbol) => symbol.description === 'pino.stream');
  const stream = key ? (logger as unknown as Record<symbol, unknown>)[key] : undefined;
  return stream && typeof (stream as LineDestination).write === 'function' ? (stream as LineDestination) : null;
}

/** The pino levels at which `info` lines are written (a route's `logLevel` may differ from the app's). */
const LEVELS_LOGGING_INFO = new Set(['info', 'debug', 'trace']);

/**
 * The ready server's access log: one `request completed` line per request at `info` (method, URL
 * without its query, status, time, the user's id), as Django's runserver logs one; Fastify's own
 * `incoming request` line stays, at `debug`.
 *
 * The line has the fields and order pino gives it, but is written as one string to pino's
 * destination: through pino it cost a child logger's serializers and a generic JSON walk per
 * request, about a tenth of an authenticated GET (docs/performance.md, ninth round). Errors and
 * every other line still go through pino.
 *
 * Batched, the lines of one event-loop turn are handed over as one string when the turn's I/O is
 * done: pino's stdout destination (sonic-boom) measures and flattens everything it holds on every
 * write while a write is in flight, which under load made each line cost as much again.
 */
export class AccessLog extends LogController {
  private destination: LineDestination | null = null;
  /** `,"pid":...,"hostname":...`, as pino's root logger binds them. */
  private readonly processFields = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  private batched = false;
  /** This turn's lines, when batched. */
  private pending: string[] = [];
  /** The last `Host` seen and its field: clients send the same one request after request. */
  private lastHost: string | undefined;
  private lastHostField = '';

  /**
   * Writes the lines to `logger`'s destination from now on (when it can be found), one by one or,
   * `batched`, once per event-loop turn. Batched, `close` must be called when the app closes.
   */
  writeTo(logger: FastifyBaseLogger, { batched }: { batched: boolean }): void {
    this.destination = pinoDestinationOf(logger);
    this.batched = batched && this.destination !== null;
    // A process that exits without closing the app (a crash) still writes the turn's lines.
    if (this.batched) process.on('exit', this.flushAtExit);
  }

  /** Hands this turn's lines to the destination. */
  readonly flush = (): void => {
    if (this.pending.length === 0) return;
    const lines = this.pending.join('');
    this.pending = [];
    this.destination!.write(lines);
  };

  /** Writes what is pending and stops watching the process's exit. */
  close(): void {
    this.flush();
    process.removeListener('exit', this.flushAtExit);
  }

  private readonly flushAtExit = (): void => {
    this.flush();
    // pino flushed its destination at exit before this listener ran (it was registered first).
    try {
      this.destination?.flushSync?.();
    } catch {
      // Nothing more can be done while the process exits.
    }
  };

  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    if (!LEVELS_LOGGING_INFO.has(reply.log.level)) return;
    if (this.destination === null) {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime, ...userField(request) }, 'request completed');
      return;
    }
    const line = this.line(request, reply);
    if (!this.batched) {
      this.destination.write(line);
    } else if (this.pending.push(line) === 1) {
      setImmediate(this.flush);
    }
  }

  /** pino's line for `reply.log.info({ req, res, responseTime, userId }, 'request completed')`. */
  private line(request: FastifyRequest, reply: FastifyReply): string {
    // A field with no value is left out, as pino leaves out `undefined`.
    return `{"level":30,"time":${Date.now()}${this.processFields},"reqId":${jsonString(String(request.id))}`
      + `,"req":{"method":${jsonString(request.method)},"url":${jsonString(loggedUrl(request.url))}`
      + `${this.hostField(request.host)}${connectionFields(request.socket)}}`
      + `,"res":{"statusCode":${reply.statusCode}},"responseTime":${milliseconds(reply.elapsedTime)}`
      + `${field('userId', request.user?.id)},"msg":"request completed"}\n`;
  }

  private hostField(host: string | undefined): string {
    if (host !== this.lastHost) {
      this.lastHost = host;
      this.lastHostField = field('host', host);
    }
    return this.lastHostField;
  }
}

/** Each connection's `remoteAddress` and `remotePort` fields, made once for all its requests. */
const connectionFieldsOf = new WeakMap<object, string>();

function connectionFields(socket: FastifyRequest['socket'] | undefined): string {
  if (!socket) return '';
  let fields = connectionFieldsOf.get(socket);
  if (fields === undefined) {
    fields = `${field('remoteAddress', socket.remoteAddress)}${field('remotePort', socket.remotePort)}`;
    // A socket not connected yet (or any more) has no address: not remembered.
    if (socket.remoteAddress !== undefined) connectionFieldsOf.set(socket, fields);
  }
  return fields;
}

/** What JSON.stringify escapes in a string (and what it might: past ASCII, it is left to it). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\uffff]/;

/** A string as JSON: most need no escaping, and are quoted without JSON.stringify's walk. */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * A duration in ms to the microsecond, from integers: a double's shortest decimal form (`NumberToString`)
 * was a fifth of the line's cost. `1.5` -> `1.500`, `0.0004` -> `0.000`.
 */
export function milliseconds(ms: number): string {
  if (!(ms >= 0 && ms < 2 ** 31 / 1000)) return String(ms);
  const micros = Math.round(ms * 1000);
  const whole = Math.trunc(micros / 1000);
  const fraction = micros - whole * 1000;
  return `${whole}.${fraction < 10 ? '00' : fraction < 100 ? '0' : ''}${fraction}`;
}

/** `,"name":value` in JSON, or nothing when there is no value. */
function field(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `,"${name}":${JSON.stringify(value)}`;
}

function userField(request: FastifyRequest): { userId?: number } {
  return request.user ? { userId: request.user.id } : {};
}
