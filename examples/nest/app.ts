import { createServer, type Server } from 'node:http';
import { Controller, Get, Module, UseGuards, type DynamicModule, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Tessera } from '../../src/index.js';
import { AuthenticationClasses, TesseraAuthGuard, TesseraModule, TesseraNotFoundFilter, User } from '../../src/nest/index.js';
import { PROTECTED_AUTHENTICATION, seedApi } from '../seed-api/index.js';

/** A Nest controller of your own behind the guard (`IsAuthenticated`): who the access token is for. */
@Controller('api')
export class MeController {
  @Get('me/')
  @UseGuards(TesseraAuthGuard)
  me(@User() user: User): { id: number; username: string } {
    return { id: user.id, username: user.username };
  }

  /** Seed 001's protected resource: its own authentication classes (drf-jwt first). */
  @Get('protected/')
  @AuthenticationClasses(...PROTECTED_AUTHENTICATION)
  @UseGuards(TesseraAuthGuard)
  protected(@User() user: User): { id: number; username: string } {
    return { id: user.id, username: user.username };
  }
}

/**
 * The seeds' API (examples/seed-api/) on NestJS, as on Express and Hono: the token views at the
 * seeds' URLs, djoser's views under `/auth`, seed 000's `/api/user/` and seed 004's `/studentapi/`,
 * answering as `tessera serve` answers; and `/api/me/`, a Nest controller with `TesseraAuthGuard`.
 */
@Module({})
export class ExampleModule {
  static forRoot(tessera: Tessera): DynamicModule {
    return {
      module: ExampleModule,
      imports: [TesseraModule.forRoot({ tessera, ...seedApi(tessera) })],
      controllers: [MeController],
      // A URL no one serves: DRF's 404, as `tessera serve` answers it, not Nest's.
      providers: [{ provide: APP_FILTER, useClass: TesseraNotFoundFilter }],
    };
  }
}

/** Which of Nest's HTTP platforms serves the app. */
export type NestPlatform = 'express' | 'fastify';

/**
 * Room for long tokens in the Authorization header (Node's default is 16 KB), so they get DRF's
 * 401 rather than a bare 431, as on `tessera serve`.
 */
const MAX_HEADER_SIZE = 128 * 1024;

/** A Nest application of `module` on `platform` (not listening yet). */
export function createNestApp(module: DynamicModule, platform: NestPlatform, options: NestApplicationOptions = {}): Promise<INestApplication> {
  // Nest drops a route's trailing slash (`@Get('me/')` is `/api/me`), which Express matches
  // either way and Fastify only when told to: Django's URLs end with one.
  const adapter = platform === 'fastify'
    ? new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true }, http: { maxHeaderSize: MAX_HEADER_SIZE } })
    : new ExpressAdapter();
  return NestFactory.create(module, adapter, options);
}

/**
 * Starts `app` on `port` (0: any free one): on Express through an HTTP server made here over
 * Nest's Express instance after `app.init()`, since Nest makes its own without `maxHeaderSize`;
 * on Fastify with `app.listen`, its server made with the room above. Answers the server.
 */
export async function listen(app: INestApplication, platform: NestPlatform, port: number, host: string): Promise<Server> {
  if (platform === 'fastify') {
    await app.listen(port, host);
    return app.getHttpServer() as Server;
  }
  await app.init();
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app.getHttpAdapter().getInstance());
  await new Promise<void>((resolve, reject) => server.listen(port, host).once('listening', resolve).once('error', reject));
  return server;
}
