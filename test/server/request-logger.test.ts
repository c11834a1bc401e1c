import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify, { LogController } from 'fastify';
import { lazyRequestLogger } from '../../src/server/request-logger.js';

/** A Fastify app with the lazy request logger, logging at `level` into `lines`. */
function appLoggingTo(lines: Record<string, unknown>[], level: string) {
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  return Fastify({ logger: { level, stream }, childLoggerFactory: lazyRequestLogger, logController: new LogController({ disableRequestLogging: true }) });
}

test("a request's logger writes through a child bound to the request's id, at the app's level", async () => {
  const lines: Record<string, unknown>[] = [];
  const app = appLoggingTo(lines, 'info');
  app.get('/', async (request) => {
    request.log.debug('not at info');
    request.log.info({ n: 1 }, 'first');
    request.log.warn('second %s', 'formatted');
    request.log.child({ part: 'x' }).error('from a child');
    return { level: request.log.level };
  });
  const answer = await app.inject({ method: 'GET', url: '/' });
  assert.deepEqual(answer.json(), { level: 'info' });
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l.reqId, l.n, l.part]), [
    [30, 'first', 'req-1', 1, undefined],
    [40, 'second formatted', 'req-1', undefined, undefined],
    [50, 'from a child', 'req-1', undefined, 'x'],
  ]);
  await app.close();
});

test("a route's own logLevel and a level set on the request's logger are honoured", async () => {
  const lines: Record<string, unknown>[] = [];
  const app = appLoggingTo(lines, 'warn');
  app.get('/chatty', { logLevel: 'debug' }, async (request) => {
    request.log.debug('route debug');
    return { level: request.log.level };
  });
  app.get('/quiet', async (request) => {
    request.log.info('dropped at warn');
    request.log.level = 'info';
    request.log.info('kept after the change');
    return {};
  });
  assert.deepEqual((await app.inject({ method: 'GET', url: '/chatty' })).json(), { level: 'debug' });
  await app.inject({ method: 'GET', url: '/quiet' });
  assert.deepEqual(lines.map((l) => [l.msg, l.reqId]), [['route debug', 'req-1'], ['kept after the change', 'req-2']]);
  await app.close();
});

test('silent logs nothing, even at fatal', async () => {
  const lines: Record<string, unknown>[] = [];
  const app = appLoggingTo(lines, 'silent');
  app.get('/', async (request) => {
    request.log.fatal('nothing');
    return {};
  });
  await app.inject({ method: 'GET', url: '/' });
  assert.deepEqual(lines, []);
  await app.close();
});
