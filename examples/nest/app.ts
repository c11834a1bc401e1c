import { Controller, Get, Module, UseGuards, type DynamicModule, type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { TesseraAuthGuard, TesseraModule, User, type TesseraModuleOptions } from '../../src/nest/index.js';

/** The token URLs the seeds use: Simple JWT's, and seed 004's `gettoken/`, `refreshtoken/`, `verifytoken/`. */
const SEED_TOKEN_ROUTES = {
  obtain: ['/api/token/', '/gettoken/'],
  refresh: ['/api/token/refresh/', '/refreshtoken/'],
  verify: ['/api/token/verify/', '/verifytoken/'],
  blacklist: ['/api/token/blacklist/'],
};

/** Seed 000's `/api/user/`: who the access token is for (the guard asks for `IsAuthenticated`). */
@Controller('api')
export class UserController {
  @Get('user/')
  @UseGuards(TesseraAuthGuard)
  user(@User() user: User): { id: number; username: string } {
    return { id: user.id, username: user.username };
  }
}

/** The seeds' API on NestJS: tessera's views at the seeds' URLs, and seed 000's `/api/user/`. */
@Module({})
export class ExampleModule {
  static forRoot(options: TesseraModuleOptions): DynamicModule {
    return {
      module: ExampleModule,
      imports: [TesseraModule.forRoot({ tokenRoutes: SEED_TOKEN_ROUTES, accountsPrefix: '/auth', ...options })],
      controllers: [UserController],
    };
  }
}

/** Which of Nest's HTTP platforms serves the app. */
export type NestPlatform = 'express' | 'fastify';

/** A Nest application of `module` on `platform` (not listening yet). */
export function createNestApp(module: DynamicModule, platform: NestPlatform, options: NestApplicationOptions = {}): Promise<INestApplication> {
  // Nest drops a route's trailing slash (`@Get('user/')` is `/api/user`), which Express matches
  // either way and Fastify only when told to: Django's URLs end with one.
  const adapter = platform === 'fastify' ? new FastifyAdapter({ routerOptions: { ignoreTrailingSlash: true } }) : new ExpressAdapter();
  return NestFactory.create(module, adapter, options);
}
