import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AllowedHosts } from '../../src/contract/index.js';
import { startServer, type TestServer } from '../support/server.js';

const PASSWORD = 'tessera-pass-42';

const CONTRACT_HEADERS = {
  'content-type': 'application/json',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  vary: 'Accept',
};

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  json: any;
}

/**
 * One request written by hand, so the `Host` line is exactly what a client chose (fetch and
 * node:http set their own): `host: null` sends none, which only HTTP/1.0 allows.
 */
async function send(
  server: TestServer, path: string, host: string | null, headers: Record<string, string> = {}, json?: unknown,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(server.url);
  const body = json === undefined ? '' : JSON.stringify(json);
  const lines = [
    `${json === undefined ? 'GET' : 'POST'} ${path} HTTP/${host === null ? '1.0' : '1.1'}`,
    ...(host === null ? [] : [`Host: ${host}`]),
    'Accept: application/json',
    'Connection: close',
    ...(json === undefined ? [] : ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`]),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
  const [head = '', text = ''] = raw.split('\r\n\r\n', 2);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const entries = headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]);
  // Answers here are short and sent with Content-Length (no chunking) when `Connection: close`.
  return { status: Number(statusLine.split(' ')[1]), headers: Object.fromEntries(entries), json: text ? JSON.parse(text) : undefined };
}

/** Signs in as a new staff user, through a host the server allows. */
async function staffToken(server: TestServer, host: string): Promise<string> {
  await server.createUser('root', PASSWORD, { isStaff: true });
  const login = await send(server, '/api/token/', host, {}, { username: 'root', password: PASSWORD });
  assert.equal(login.status, 200);
  return login.json.access;
}

/** 21 more users than the staff list's 20 a page, so page 1 has a `next` and page 2 a `previous`. */
async function fillTwoPages(server: TestServer): Promise<void> {
  for (let i = 0; i < 21; i++) await server.store.users.create({ username: `user${i}`, password: '!' });
}

function assertBadRequest(answer: RawAnswer, what: string): void {
  assert.equal(answer.status, 400, what);
  assert.deepEqual(answer.json, { detail: 'Bad Request' }, what);
  for (const [name, value] of Object.entries(CONTRACT_HEADERS)) assert.equal(answer.headers[name], value, `${what}: ${name}`);
}

describe('allowedHosts: a request for another host is 400 (Django ALLOWED_HOSTS)', () => {
  describe('by default: publicUrl\'s host, localhost, 127.0.0.1 and [::1]', () => {
    let server: TestServer;
    let auth: Record<string, string>;
    const log: string[] = [];
    before(async () => {
      server = await startServer({ logLevel: 'warn' }, { logStream: { write: (line) => void log.push(line) } });
      auth = { Authorization: `Bearer ${await staffToken(server, '127.0.0.1')}` };
      await fillTwoPages(server);
    });
    after(() => server.close());

    test('another Host gets 400 on the API roots, the staff list, a 404 path and /health/, nothing echoed', async () => {
      for (const path of ['/', '/api/admin/', '/api/admin/users/', '/api/admin/users/?page=2', '/no/such/path/', '/health/']) {
        const answer = await send(server, path, 'evil.example', auth);
        assertBadRequest(answer, path);
        assert.doesNotMatch(JSON.stringify(answer.headers), /evil/, path);
      }
      assertBadRequest(await send(server, '/', 'evil.example'), 'the public API root, without credentials');
      assertBadRequest(await send(server, '/health/', 'evil.example:8000'), 'a port does not help');
      assertBadRequest(await send(server, '/health/', 'localhost.evil.example'), 'localhost is not a pattern');
    });

    test('a malformed or empty Host is 400', async () => {
      for (const host of ['', 'localhost:abc', 'local host', 'localhost:80:80', '[::1', 'ünicode.example', '127.0.0.1@evil.example']) {
        assertBadRequest(await send(server, '/health/', host), JSON.stringify(host));
      }
    });

    test('the refusal is logged with the host and the setting to change', () => {
      const line = log.find((entry) => entry.includes('evil.example'));
      assert.ok(line, log.join(''));
      assert.match(JSON.parse(line).msg, /Invalid HTTP_HOST header: "evil\.example"\. .*allowedHosts \(TESSERA_ALLOWED_HOSTS\)/);
    });

    test('localhost, 127.0.0.1 and [::1] pass with any port and in any case, and links carry the Host as sent', async () => {
      for (const host of ['127.0.0.1', '127.0.0.1:8000', 'localhost', 'LocalHost:9999', 'localhost.', '[::1]', '[::1]:8000']) {
        assert.equal((await send(server, '/health/', host)).status, 200, host);
      }
      const page = await send(server, '/api/admin/users/', 'LocalHost:9999', auth);
      assert.equal(page.status, 200);
      assert.equal(page.json.next, 'http://LocalHost:9999/api/admin/users/?page=2');
      const root = await send(server, '/', '[::1]:8000', auth);
      assert.deepEqual(root.json, {
        studentapi: 'http://[::1]:8000/studentapi/', tasks: 'http://[::1]:8000/tasks/', users: 'http://[::1]:8000/users/',
      });
    });

    test('an HTTP/1.0 request without Host is checked as the address it arrived at (127.0.0.1), as Django uses SERVER_NAME', async () => {
      assert.equal((await send(server, '/health/', null)).status, 200);
    });
  });

  describe('configured: exact names, .domain patterns and IPv6 replace the defaults', () => {
    let server: TestServer;
    let auth: Record<string, string>;
    before(async () => {
      server = await startServer({ allowedHosts: ['api.example.com', '.example.org', '[2001:db8::1]'] });
      auth = { Authorization: `Bearer ${await staffToken(server, 'api.example.com')}` };
      await fillTwoPages(server);
    });
    after(() => server.close());

    test('the names listed pass, with any port and in any case', async () => {
      for (const host of ['api.example.com', 'API.Example.COM:443', 'example.org', 'a.b.example.org:8080', '[2001:db8::1]:8000', '[2001:DB8::1]']) {
        assert.equal((await send(server, '/health/', host)).status, 200, host);
      }
      const page = await send(server, '/api/admin/users/?page=2', 'api.example.com', auth);
      assert.equal(page.json.previous, 'http://api.example.com/api/admin/users/');
    });

    test('other names, lookalikes and the defaults no longer listed are 400', async () => {
      for (const host of ['example.com', 'evilexample.org', 'example.org.evil.example', 'api.example.com.evil.example', '[2001:db8::2]', 'localhost', '127.0.0.1:8000']) {
        assertBadRequest(await send(server, '/api/admin/users/', host, auth), host);
      }
    });
  });

  describe('"*" allows any host, but not a malformed one', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ allowedHosts: ['*'] });
    });
    after(() => server.close());

    test('any well-formed Host passes; a malformed one is still 400, as in Django', async () => {
      assert.equal((await send(server, '/health/', 'anything.example:1234')).status, 200);
      assertBadRequest(await send(server, '/health/', 'localhost:abc'), 'bad port');
      assertBadRequest(await send(server, '/health/', ''), 'empty');
    });
  });
});

describe('AllowedHosts remembers the Host headers it allowed, and only those', () => {
  test('a header allowed before is allowed again; a refused one stays refused however often it comes', () => {
    const hosts = new AllowedHosts(['api.example.com', '.example.org']);
    for (let round = 0; round < 3; round++) {
      assert.equal(hosts.allows('api.example.com'), true);
      assert.equal(hosts.allows('API.example.com:8000'), true);
      assert.equal(hosts.allows('evil.example.net'), false);
      assert.equal(hosts.allows('api.example.com.evil.net'), false);
      assert.equal(hosts.allows('api.example.com/'), false, 'malformed');
    }
  });

  test('past its bound it still answers each header by the rules', () => {
    const hosts = new AllowedHosts(['.example.org']);
    for (let port = 1; port <= 200; port++) assert.equal(hosts.allows(`a.example.org:${port}`), true);
    for (let port = 1; port <= 200; port++) assert.equal(hosts.allows(`a.example.org:${port}`), true);
    assert.equal(hosts.allows('example.org.evil.net:1'), false);
  });
});
