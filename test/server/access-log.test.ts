import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { AccessLog } from '../../src/server/access-log.js';

/** A Fastify app logging through `AccessLog` at info into `writes` (one entry per write call). */
function appWithAccessLog(writes: string[], batched: boolean) {
  const accessLog = new AccessLog();
  const app = Fastify({ logger: { level: 'info', stream: { write: (text: string) => void writes.push(text) } }, logController: accessLog });
  accessLog.writeTo(app.log, { batched });
  app.addHook('onClose', (_instance, done) => {
    accessLog.close();
    done();
  });
  app.get('/a/', async () => ({ ok: true }));
  return { app, accessLog };
}

test('batched, the lines of one event-loop turn are written together once its I/O is done', async () => {
  const writes: string[] = [];
  const { app } = appWithAccessLog(writes, true);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const answers = await Promise.all([1, 2, 3, 4].map(() => fetch(`http://127.0.0.1:${port}/a/?secret=1`)));
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
  await new Promise((resolve) => setImmediate(resolve));
  const lines = writes.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; req: { url: string } });
  assert.equal(lines.filter((l) => l.msg === 'request completed').length, 4);
  assert.ok(lines.every((l) => l.msg !== 'request completed' || l.req.url === '/a/'));
  for (const text of writes) assert.ok(text.endsWith('\n'), 'every write holds whole lines');
  await app.close();
});

test('batched, a line still pending when the access log closes is written then', async () => {
  const writes: string[] = [];
  const { app, accessLog } = appWithAccessLog(writes, true);
  await app.inject({ method: 'GET', url: '/a/' });
  // The request has completed but its turn has not ended: the line waits for it, or for close.
  assert.equal(writes.filter((text) => text.includes('request completed')).length, 0);
  accessLog.close();
  assert.equal(writes.filter((text) => text.includes('request completed')).length, 1);
  await app.close();
  assert.equal(writes.join('').split('request completed').length - 1, 1, 'written once');
});

test('not batched, each line is written as its request completes', async () => {
  const writes: string[] = [];
  const { app } = appWithAccessLog(writes, false);
  await app.inject({ method: 'GET', url: '/a/' });
  assert.equal(writes.filter((text) => text.includes('request completed')).length, 1);
  await app.close();
});

test('a URL or Host with quotes, backslashes, control or non-ASCII characters still makes a JSON line', async () => {
  const writes: string[] = [];
  const { app } = appWithAccessLog(writes, false);
  const odd = [
    { url: '/a"b\\c/?q="x"', host: 'h"o\\st' },
    { url: '/caf\u00e9/\u0001/', host: 'h\u00f6st:1' },
    { url: '/a/', host: 'h"o\\st' },
  ];
  for (const { url, host } of odd) await app.inject({ method: 'GET', url, headers: { host } });
  const lines = writes.filter((text) => text.includes('request completed')).map((text) => JSON.parse(text) as { req: { url: string; host: string } });
  // inject percent-encodes the URL as a client would; the Host goes as it is.
  assert.deepEqual(lines.map((l) => [l.req.url, l.req.host]), [
    ['/a%22b/c/', 'h"o\\st'], ['/caf%C3%A9/%01/', 'h\u00f6st:1'], ['/a/', 'h"o\\st'],
  ]);
  await app.close();
});
