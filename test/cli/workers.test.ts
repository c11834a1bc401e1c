import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import { cleanUp, eventually, freshFolder, runCli, startServe, tesseraChildren, type Served } from '../support/cli-process.js';
import { startHttpLoad } from '../support/http-load.js';

const SIGNING_KEY = 'workers-test-signing-key-that-is-long-enough-0123456789';
const PASSWORD = 'worker-pass-1';

after(cleanUp);

/** No request of the load may wait longer than this for an answer or a closed connection. */
const MAX_WAIT_MS = 5_000;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

/** One request on a connection of its own. */
function call(url: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(`${url}${path}`, {
      method, agent: false,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Eight `GET /health/` at once, each on a new connection, all answered 200. Workers take
 * connections from the shared socket as the kernel wakes them, so an idle worker may take a run
 * of sequential ones; concurrent connections reach both.
 */
async function healthBurst(url: string): Promise<void> {
  const replies = await Promise.all(Array.from({ length: 8 }, () => call(url, 'GET', '/health/')));
  assert.deepEqual(replies.map((reply) => reply.status), Array(8).fill(200));
}

/** Pids of the processes that logged a completed request (pino puts `pid` on every line). */
function pidsThatServed(stdout: string): Set<number> {
  const pids = new Set<number>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { pid?: number; msg?: string };
    if (entry.msg === 'request completed' && typeof entry.pid === 'number') pids.add(entry.pid);
  }
  return pids;
}

/** Whether process `pid` logged a completed request; a regex, not JSON.parse, as the load logs a lot. */
function servedRequests(stdout: string, pid: number): boolean {
  return new RegExp(`^\\{[^\\n]*"pid":${pid},[^\\n]*"msg":"request completed"`, 'm').test(stdout);
}

async function createUser(cwd: string, username: string): Promise<void> {
  const run = await runCli(cwd, ['createuser', '--username', username, '--email', `${username}@example.com`, '--no-input'], {
    TESSERA_SUPERUSER_PASSWORD: PASSWORD, TESSERA_SIGNING_KEY: SIGNING_KEY,
  });
  assert.equal(run.code, 0, run.stderr);
}

/** Whether a new TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('serve --workers', () => {
  test('two workers share the port, a SIGKILLed worker is replaced, and nothing committed is lost', async () => {
    const cwd = freshFolder();
    const server = await startServe(cwd, ['--workers', '2'], { TESSERA_LOG_LEVEL: 'info', TESSERA_SIGNING_KEY: SIGNING_KEY });
    assert.match(server.stdout(), /tessera is serving http:\/\/127\.0\.0\.1:\d+\/ with 2 workers/);
    await server.waitFor(/No users yet\. Create the first one with:/); // the primary counts users once, before forking

    const workers = tesseraChildren(server.pid);
    assert.equal(workers.length, 2, `two worker processes under the primary, got ${workers.join(', ')}`);

    // A user created by another process (the CLI) while the workers run, then a login.
    await createUser(cwd, 'alice');
    const login = await call(server.url, 'POST', '/api/token/', { username: 'alice', password: PASSWORD });
    assert.equal(login.status, 200);
    await eventually('both workers answer requests', async () => {
      await healthBurst(server.url);
      return pidsThatServed(server.stdout()).size === 2 ? true : undefined;
    });
    assert.deepEqual([...pidsThatServed(server.stdout())].sort((a, b) => a - b), workers);

    const [victim, survivor] = workers as [number, number];
    process.kill(victim, 'SIGKILL');
    await server.waitFor(new RegExp(`tessera: warning: worker ${victim} exited \\(SIGKILL\\); starting a replacement\\n`));
    const replaced = await eventually('a replacement worker', () => {
      const now = tesseraChildren(server.pid);
      return now.length === 2 && !now.includes(victim) ? now : undefined;
    });
    assert.ok(replaced.includes(survivor));
    const replacement = replaced.find((pid) => pid !== survivor)!;

    // Requests keep being answered, the replacement among those answering them.
    await eventually('the replacement answers', async () => {
      await healthBurst(server.url);
      return pidsThatServed(server.stdout()).has(replacement) ? true : undefined;
    });
    // What was committed before the kill is there: the user logs in, the earlier refresh token works.
    const again = await call(server.url, 'POST', '/api/token/', { username: 'alice', password: PASSWORD });
    assert.equal(again.status, 200);
    const refreshed = await call(server.url, 'POST', '/api/token/refresh/', { refresh: login.json.refresh });
    assert.equal(refreshed.status, 200);
    assert.equal(typeof refreshed.json.access, 'string');
    assert.equal(server.stderr().split('\n').filter((line) => line.includes('starting a replacement')).length, 1, 'one line per replacement');

    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.deepEqual(tesseraChildren(server.pid), [], 'no worker outlives the primary');
    assert.doesNotMatch(server.stderr(), /^\s+at /m);
  });

  test('a worker SIGKILLed under load leaves no connection waiting: each is answered or closed', async () => {
    // Node's own switch asks for round-robin, the scheduling that hung: tessera's choice must win.
    const server = await startServe(freshFolder(), ['--workers', '2'], {
      TESSERA_LOG_LEVEL: 'info', TESSERA_SIGNING_KEY: SIGNING_KEY, NODE_CLUSTER_SCHED_POLICY: 'rr',
    });
    const [victim, survivor] = tesseraChildren(server.pid) as [number, number];
    // Keep-alive lanes hold connections open on both workers; fresh lanes keep new ones arriving,
    // so the victim dies with connections in use and others just accepted.
    const load = startHttpLoad(`${server.url}/health/`, { keepAlive: 8, fresh: 32 });
    await eventually('both workers answer under load', () => (servedRequests(server.stdout(), victim) && servedRequests(server.stdout(), survivor)) || undefined);

    // Stopped first, the victim surely dies holding connections it has not answered. Under
    // node:cluster's round-robin one of them was handed over and never acknowledged, the case that
    // hung; the kill alone landed in that window 5 runs in 6.
    process.kill(victim, 'SIGSTOP');
    await setTimeout(300);
    process.kill(victim, 'SIGKILL');
    const killedAt = Date.now();
    await server.waitFor(new RegExp(`tessera: warning: worker ${victim} exited \\(SIGKILL\\); starting a replacement\\n`));
    const replacement = await eventually('a replacement worker', () =>
      tesseraChildren(server.pid).find((pid) => pid !== survivor && pid !== victim));
    await eventually('the replacement answers under load', () => servedRequests(server.stdout(), replacement) || undefined);
    await load.stop(MAX_WAIT_MS + 1_000);

    const now = Date.now();
    const waitedTooLong = load.requests
      .filter((r) => (r.settledAt ?? now) - r.startedAt > MAX_WAIT_MS)
      .map((r) => ({ startedAfterKillMs: r.startedAt - killedAt, waitedMs: (r.settledAt ?? now) - r.startedAt, error: r.error }));
    assert.deepEqual(waitedTooLong, [], `requests neither answered nor closed within ${MAX_WAIT_MS} ms (of ${load.requests.length})`);
    // Answered means 200 (never a 5xx); closed means the dead worker's connection was reset.
    assert.deepEqual(new Set(load.requests.filter((r) => r.status !== undefined).map((r) => r.status)), new Set([200]));
    const errors = new Set(load.requests.filter((r) => r.error !== undefined).map((r) => r.error));
    assert.ok(errors.size > 0, 'the kill closed some connections (else it hit none and proves nothing)');
    for (const error of errors) assert.ok(['ECONNRESET', 'EPIPE'].includes(error!), `unexpected client error ${error}`);
    assert.ok(load.requests.some((r) => r.startedAt > killedAt && r.status === 200), 'requests after the kill are answered');
  });

  for (const value of ['abc', '0', '-2', '1.5']) {
    test(`--workers ${value} is a one-line error`, async () => {
      const cwd = freshFolder();
      const run = await runCli(cwd, ['serve', `--workers=${value}`], { TESSERA_PORT: '0' });
      assert.equal(run.code, 2);
      assert.deepEqual(run.stderr.split('\n').filter(Boolean), [`tessera: error: --workers: "${value}" is not a positive whole number`]);
      assert.equal(run.stdout, '');
    });
  }

  test('TESSERA_WORKERS=none is a one-line settings error', async () => {
    const run = await runCli(freshFolder(), ['serve'], { TESSERA_PORT: '0', TESSERA_WORKERS: 'none' });
    assert.equal(run.code, 1);
    const lines = run.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /^tessera: error: TESSERA_WORKERS: /);
  });

  test('workers that cannot listen stop the server with one line', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const run = await runCli(freshFolder(), ['serve', '--workers', '2'], { TESSERA_PORT: String(port), TESSERA_LOG_LEVEL: 'silent' });
      assert.equal(run.code, 1);
      const lines = run.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, /^tessera: error: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('graceful shutdown', () => {
  for (const workers of ['1', '2']) {
    test(`SIGTERM with ${workers} worker(s): an upload in flight completes, new connections are refused, exit 0`, async () => {
      const cwd = freshFolder();
      await createUser(cwd, 'bob');
      // At debug the server logs each request as it arrives: the test's cue for the signal.
      const server = await startServe(cwd, [], { TESSERA_LOG_LEVEL: 'debug', TESSERA_SIGNING_KEY: SIGNING_KEY, TESSERA_WORKERS: workers });

      // A login whose body arrives in two parts: SIGTERM lands between them.
      const body = JSON.stringify({ username: 'bob', password: PASSWORD });
      const cut = Math.floor(body.length / 2);
      const answer = new Promise<Reply>((resolve, reject) => {
        const req = httpRequest(`${server.url}/api/token/`, {
          method: 'POST', agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: text ? JSON.parse(text) : undefined }));
        });
        req.on('error', reject);
        req.write(body.slice(0, cut));
        // The server has the request once it logs it; then the signal, then the rest.
        server.waitFor(/"url":"\/api\/token\/"[^\n]*"msg":"incoming request"/).then(async () => {
          server.child.kill('SIGTERM');
          await eventually('new connections refused', () => refused(server.port).then((yes) => (yes ? true : undefined)), 10_000);
          req.end(body.slice(cut));
        }, reject);
      });

      const reply = await answer;
      assert.equal(reply.status, 200);
      assert.equal(typeof reply.json.access, 'string');
      assert.equal(typeof reply.json.refresh, 'string');
      assert.deepEqual(await server.exited, { code: 0, signal: null });
      assert.equal(await refused(server.port), true);
    });
  }
});
