import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { serveOnDemand } from '../../src/server/on-demand.js';

function outerApp(): FastifyInstance {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not found.' }));
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-frame-options', 'DENY');
    return payload;
  });
  return app;
}

test('serveOnDemand builds the inner app on the first request only, and answers through the outer one', async () => {
  const app = outerApp();
  let builds = 0;
  serveOnDemand(app, '/pages', {}, async (inner) => {
    builds += 1;
    inner.get('/pages/', async (_request, reply) => reply.header('cache-control', 'no-cache').type('text/html').send('<p>index</p>'));
    inner.get('/pages/a.txt', async (request) => `a ${request.headers['x-probe'] ?? ''}`);
  });
  await app.ready();
  assert.equal(builds, 0, 'nothing built at start');
  const index = await app.inject({ method: 'GET', url: '/pages/' });
  assert.equal(index.statusCode, 200);
  assert.equal(index.body, '<p>index</p>');
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.equal(index.headers['x-frame-options'], 'DENY', "the outer app's hooks apply");
  const file = await app.inject({ method: 'GET', url: '/pages/a.txt', headers: { 'x-probe': 'seen' } });
  assert.equal(file.body, 'a seen', 'request headers reach the inner app');
  const head = await app.inject({ method: 'HEAD', url: '/pages/a.txt' });
  assert.equal(head.statusCode, 200);
  assert.equal(head.body, '');
  const missing = await app.inject({ method: 'GET', url: '/pages/none' });
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { detail: 'Not found.' }, "the outer app's own 404");
  assert.equal(builds, 1, 'built once');
  await app.close();
});

test('serveOnDemand: a build that fails answers 500 and is tried again by the next request', async () => {
  const app = outerApp();
  let attempts = 0;
  serveOnDemand(app, '/pages', {}, async (inner) => {
    attempts += 1;
    if (attempts === 1) throw new Error('module missing');
    inner.get('/pages/', async () => 'ok');
  });
  assert.equal((await app.inject({ method: 'GET', url: '/pages/' })).statusCode, 500);
  const second = await app.inject({ method: 'GET', url: '/pages/' });
  assert.equal(second.statusCode, 200);
  assert.equal(second.body, 'ok');
  assert.equal(attempts, 2);
  await app.close();
});
