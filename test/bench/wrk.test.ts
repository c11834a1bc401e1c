import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixedRequestScript, luaString, rotatingRefreshScript, runWrk, wrkAvailable } from '../../bench/wrk.js';

test('luaString: a long string no text can close early', () => {
  assert.equal(luaString('abc'), '[[abc]]');
  assert.equal(luaString('a]]b'), '[=[a]]b]=]');
  assert.equal(luaString('a]]b]=]c'), '[==[a]]b]=]c]==]');
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const noWrk = wrkAvailable() ? false : 'wrk is not installed (apt-get install wrk; .ci/run installs it)';
if (noWrk) console.log(`# skipping the wrk runs: ${noWrk}`);

describe('wrk as the load generator', { skip: noWrk }, () => {
  test('a fixed request: method, headers and body arrive, and non-2xx answers are counted', async () => {
    const seen = { requests: 0, wrong: 0 };
    const { server, url } = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        seen.requests += 1;
        const right = request.method === 'POST' && request.headers['content-type'] === 'application/json' && body === '{"token":"a]]b"}';
        if (!right) seen.wrong += 1;
        response.statusCode = request.url === '/missing/' ? 404 : 200;
        response.end('{}');
      });
    });
    try {
      const script = fixedRequestScript('POST', { 'Content-Type': 'application/json' }, JSON.stringify({ token: 'a]]b' }));
      const ok = await runWrk('ok', `${url}/ok/`, { seconds: 1, connections: 4 }, script);
      assert.equal(seen.wrong, 0);
      assert.ok(ok.requestsPerSecond > 0 && ok.non2xx === 0 && ok.errors === 0, JSON.stringify(ok));
      assert.ok(ok.p99 >= ok.p50, JSON.stringify(ok));
      const missing = await runWrk('missing', `${url}/missing/`, { seconds: 1, connections: 2 }, script);
      assert.ok(missing.non2xx > 0, JSON.stringify(missing));
    } finally {
      server.close();
    }
  });

  test('rotating refresh: every token is presented once, and each answer hands on its successor', async () => {
    let next = 0;
    const used = new Set<string>();
    let reused = 0;
    const { server, url } = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const { refresh } = JSON.parse(body) as { refresh: string };
        if (used.has(refresh)) {
          reused += 1;
          response.statusCode = 401;
          return response.end('{"detail":"Token is blacklisted","code":"token_not_valid"}');
        }
        used.add(refresh);
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ access: 'x', refresh: `t${(next += 1)}` }));
      });
    });
    try {
      const pool = Array.from({ length: 8 }, (_, i) => `seed${i}`);
      const result = await runWrk('refresh', url, { seconds: 1, connections: 4 }, rotatingRefreshScript('/api/token/refresh/', pool));
      assert.equal(reused, 0);
      assert.equal(result.non2xx, 0);
      assert.ok(used.size > pool.length, `only ${used.size} tokens presented`);
    } finally {
      server.close();
    }
  });
});
