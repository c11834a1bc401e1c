import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { portArgument, USER_BODY, USER_HEADERS } from './answer.js';

/** The NestJS ceiling: a bare Nest controller on its Express platform answering what `/api/user/` answers. */
@Controller('api')
class UserController {
  @Get('user/')
  @Header('x-frame-options', USER_HEADERS['x-frame-options']!)
  @Header('x-content-type-options', USER_HEADERS['x-content-type-options']!)
  @Header('referrer-policy', USER_HEADERS['referrer-policy']!)
  @Header('cross-origin-opener-policy', USER_HEADERS['cross-origin-opener-policy']!)
  @Header('vary', USER_HEADERS.vary!)
  @Header('allow', USER_HEADERS.allow!)
  user(): typeof USER_BODY {
    return USER_BODY;
  }
}

@Module({ controllers: [UserController] })
class CeilingModule {}

const app = await NestFactory.create(CeilingModule, new ExpressAdapter(), { logger: false });
await app.listen(portArgument(), '127.0.0.1');
process.stdout.write('listening\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
