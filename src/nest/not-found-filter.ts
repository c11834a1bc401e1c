import type { IncomingMessage, ServerResponse } from 'node:http';
import { Catch, Inject, Injectable, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { SECURITY_HEADERS, SERVER_ERROR } from '../contract/index.js';
import type { TesseraRuntime } from './runtime.js';
import { TESSERA_RUNTIME } from './tokens.js';

/** What the filter uses of Fastify's request and reply (Nest's Fastify platform hands it these). */
interface FastifyPair {
  request: { raw: IncomingMessage };
  reply: { raw: ServerResponse; hijack(): void };
}

/**
 * DRF's 404 for a URL no route serves, as every other adapter answers it: `{"detail":"Not
 * found."}` with the contract's headers, instead of Nest's `{"message":"Cannot GET /x",...}`.
 * A `NotFoundException` your own handler throws keeps Nest's answer: only the router's, whose
 * message Nest words `Cannot <METHOD> <URL>`, is taken. Opt in with
 * `{ provide: APP_FILTER, useClass: TesseraNotFoundFilter }` in your module.
 */
@Catch(NotFoundException)
@Injectable()
export class TesseraNotFoundFilter extends BaseExceptionFilter<NotFoundException> {
  constructor(@Inject(TESSERA_RUNTIME) private readonly runtime: TesseraRuntime) {
    super();
  }

  override catch(error: NotFoundException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const fastify = 'raw' in http.getResponse<object>();
    const request = fastify ? http.getRequest<FastifyPair['request']>().raw : http.getRequest<IncomingMessage & { originalUrl?: string }>();
    const response = fastify ? http.getResponse<FastifyPair['reply']>() : null;
    const raw = response ? response.raw : http.getResponse<ServerResponse>();
    const url = (request as { originalUrl?: string }).originalUrl ?? request.url ?? '/';
    if (error.message !== `Cannot ${request.method} ${url}`) {
      super.catch(error, host); // Your handler's NotFoundException: answered as Nest answers it.
      return;
    }
    response?.hijack(); // Fastify: the answer is written on the raw response.
    this.runtime.views.notFound(request, raw, (failure) => {
      this.runtime.tessera.logger.error('request failed', { method: request.method, url, reason: (failure as Error)?.message });
      if (raw.headersSent) return void raw.end();
      const body = JSON.stringify(SERVER_ERROR.body);
      raw.writeHead(500, { ...SECURITY_HEADERS, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
    });
  }
}
