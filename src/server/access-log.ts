import { hostname } from 'node:os';
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { loggedUrl } from './log-redaction.js';

/** Where pino writes its lines (sonic-boom on stdout, or the `logStream` tests give). */
interface LineDestination {
  write(line: string): unknown;
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
 */
export class AccessLog extends LogController {
  private destination: LineDestination | null = null;
  /** `,"pid":...,"hostname":...`, as pino's root logger binds them. */
  private readonly processFields = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;

  /** Writes the lines to `logger`'s destination from now on (when it can be found). */
  writeTo(logger: FastifyBaseLogger): void {
    this.destination = pinoDestinationOf(logger);
  }

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
    this.destination.write(this.line(request, reply));
  }

  /** pino's line for `reply.log.info({ req, res, responseTime, userId }, 'request completed')`. */
  private line(request: FastifyRequest, reply: FastifyReply): string {
    const socket = request.socket;
    // A field with no value is left out, as pino leaves out `undefined`.
    return `{"level":30,"time":${Date.now()}${this.processFields},"reqId":${JSON.stringify(request.id)}`
      + `,"req":{"method":${JSON.stringify(request.method)},"url":${JSON.stringify(loggedUrl(request.url))}`
      + `${field('host', request.host)}${field('remoteAddress', socket?.remoteAddress)}${field('remotePort', socket?.remotePort)}}`
      + `,"res":{"statusCode":${reply.statusCode}},"responseTime":${reply.elapsedTime}`
      + `${field('userId', request.user?.id)},"msg":"request completed"}\n`;
  }
}

/** `,"name":value` in JSON, or nothing when there is no value. */
function field(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `,"${name}":${JSON.stringify(value)}`;
}

function userField(request: FastifyRequest): { userId?: number } {
  return request.user ? { userId: request.user.id } : {};
}
