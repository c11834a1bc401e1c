import type { ServerResponse } from 'node:http';
import { Catch, Inject, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { authenticatorsTriedOn, challengeOf, CorsPolicy, errorAnswer, SECURITY_HEADERS, SERVER_ERROR } from '../contract/index.js';
import type { Tessera } from '../core/index.js';
import { TesseraError, Throttled } from '../errors.js';
import type { NestHttpRequest } from './request.js';
import { TESSERA } from './tokens.js';

/** What the filter uses of Fastify's reply (Nest's Fastify platform hands it one). */
interface FastifyReplyLike {
  raw: ServerResponse;
  sent: boolean;
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: Buffer): FastifyReplyLike;
}

/**
 * tessera's coded errors (the guard's refusals, and any a use case raises in your handlers) as
 * DRF's answers, through the contract's `errorAnswer`: the body, the status, `WWW-Authenticate`
 * for a 401 (a class without a challenge makes it a 403, as in DRF) and the security headers.
 * `TesseraModule` registers it globally; it catches nothing else.
 */
@Catch(TesseraError)
@Injectable()
export class TesseraExceptionFilter implements ExceptionFilter<TesseraError> {
  private readonly cors: CorsPolicy;

  constructor(@Inject(TESSERA) private readonly tessera: Tessera) {
    this.cors = new CorsPolicy(tessera.settings.corsAllowedOrigins);
  }

  catch(error: TesseraError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<NestHttpRequest>();
    const known = errorAnswer(error);
    if (!known) this.tessera.logger.error('request failed', { method: request.method, url: request.url, reason: error.message });
    const { status: failed, body, challenge } = known ?? SERVER_ERROR;
    const headers: Record<string, string> = { ...SECURITY_HEADERS, ...(this.cors.enabled ? { vary: this.cors.vary, ...this.cors.headersFor(request.headers) } : {}) };
    let status = failed;
    if (challenge) {
      // DRF challenges with the first class the view authenticates with.
      const header = challengeOf(authenticatorsTriedOn(request) ?? this.tessera.authenticatorsFor(), this.tessera.settings);
      if (header) headers['www-authenticate'] = header;
      else status = 403;
    }
    if (error instanceof Throttled) headers['retry-after'] = String(error.wait);
    const text = JSON.stringify(body);
    send(http.getResponse<ServerResponse | FastifyReplyLike>(), status, {
      ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)),
    }, text);
  }
}

/** Writes the answer on either platform; Express's `X-Powered-By` is not part of the contract. */
function send(response: ServerResponse | FastifyReplyLike, status: number, headers: Record<string, string>, body: string): void {
  if ('raw' in response) {
    // A Buffer goes out as it is; Fastify would add `; charset=utf-8` to a string's JSON type.
    if (!response.sent) response.code(status).headers(headers).send(Buffer.from(body));
    return;
  }
  if (response.headersSent) {
    response.end();
    return;
  }
  response.removeHeader('x-powered-by');
  response.writeHead(status, headers).end(body);
}
