import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startServer, type TestServer } from '../support/server.js';

/**
 * Seeds 000 and 004 typed real commands: curl and httpie. These tests run those commands, as the
 * seeds print them (only the host and port changed), against the real server, and check what
 * the seeds show: status, headers and bodies.
 */

const run = promisify(execFile);

/** Whether a command-line tool is installed; CI (TESSERA_REQUIRE_PEER=1) must have it. */
async function toolAvailable(tool: string): Promise<string | false> {
  try {
    await run(tool, ['--version']);
    return false;
  } catch {
    const reason = `${tool} is not installed (apt-get install ${tool === 'http' ? 'httpie' : tool})`;
    if (process.env.TESSERA_REQUIRE_PEER === '1') throw new Error(`TESSERA_REQUIRE_PEER=1 and ${reason}`);
    console.log(`skipping: ${reason}`);
    return reason;
  }
}

interface Printed {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Splits `curl -i` / `http --print=hb` output into status, headers and body. */
function parsePrinted(output: string): Printed {
  const normalised = output.replace(/\r\n/g, '\n');
  const split = normalised.indexOf('\n\n');
  const head = split === -1 ? normalised : normalised.slice(0, split);
  const body = split === -1 ? '' : normalised.slice(split + 2).trim();
  const [statusLine = '', ...lines] = head.split('\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** The headers seed 000 prints on every answer (besides Date, Server and Content-Length). */
function assertSeedHeaders(answer: Printed, allow: string): void {
  assert.equal(answer.headers.get('content-type'), 'application/json');
  assert.equal(answer.headers.get('vary'), 'Accept');
  assert.equal(answer.headers.get('allow'), allow);
  assert.equal(answer.headers.get('x-frame-options'), 'DENY');
  assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(answer.headers.get('referrer-policy'), 'same-origin');
  assert.equal(answer.headers.get('content-length'), String(Buffer.byteLength(answer.body)));
}

describe('seed 000 with real curl', async () => {
  const skip = await toolAvailable('curl');
  let server: TestServer;
  let base = '';
  const curl = async (...args: string[]) => parsePrinted((await run('curl', ['-s', ...args])).stdout);
  let tokens: { refresh: string; access: string };

  before(async () => {
    server = await startServer();
    await server.createUser('shoumitro', 'Ab12345678');
    base = server.url.replace('127.0.0.1', 'localhost');
  });
  after(() => server?.close());

  test('without a token: 401, WWW-Authenticate, "Authentication credentials were not provided."', { skip }, async () => {
    const answer = await curl('-X', 'GET', `${base}/api/user/`, '-H', 'accept: application/json', '-i');
    assert.equal(answer.status, 401);
    assertSeedHeaders(answer, 'GET, HEAD, OPTIONS');
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.equal(answer.body, '{"detail":"Authentication credentials were not provided."}');
  });

  test('POST /api/token/ with "accept: application/json; indent=4" prints the pair indented', { skip }, async () => {
    const answer = await curl(
      '-X', 'POST', `${base}/api/token/`, '-d', '{"username": "shoumitro", "password": "Ab12345678"}',
      '-H', 'Content-Type: application/json', '-H', 'accept: application/json; indent=4', '-i',
    );
    assert.equal(answer.status, 200);
    assertSeedHeaders(answer, 'POST, OPTIONS');
    assert.match(answer.body, /^\{\n {4}"refresh": "eyJ[\w-]+\.[\w-]+\.[\w-]+",\n {4}"access": "eyJ[\w-]+\.[\w-]+\.[\w-]+"\n\}$/);
    tokens = JSON.parse(answer.body);
  });

  test('with the access token: {"id":1,"username":"shoumitro"}', { skip }, async () => {
    const answer = await curl('-X', 'GET', `${base}/api/user/`, '-H', 'accept: application/json', '-H', `Authorization: Bearer ${tokens.access}`, '-i');
    assert.equal(answer.status, 200);
    assertSeedHeaders(answer, 'GET, HEAD, OPTIONS');
    assert.equal(answer.body, '{"id":1,"username":"shoumitro"}');
  });

  test('after 5 minutes: 401 "Given token not valid for any token type" with its messages', { skip }, async () => {
    server.clock.advance(5 * 60);
    const answer = await curl('-X', 'GET', `${base}/api/user/`, '-H', 'accept: application/json', '-H', `Authorization: Bearer ${tokens.access}`, '-i');
    assert.equal(answer.status, 401);
    assertSeedHeaders(answer, 'GET, HEAD, OPTIONS');
    assert.deepEqual(JSON.parse(answer.body), {
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
    });
  });

  test('refresh, then the new access token works again', { skip }, async () => {
    const refreshed = await curl(
      '-X', 'POST', `${base}/api/token/refresh/`, '-d', `{"refresh":  "${tokens.refresh}"}`,
      '-H', 'Content-Type: application/json', '-H', 'accept: application/json', '-i',
    );
    assert.equal(refreshed.status, 200);
    assertSeedHeaders(refreshed, 'POST, OPTIONS');
    const { access } = JSON.parse(refreshed.body);
    assert.deepEqual(Object.keys(JSON.parse(refreshed.body)), ['access']);
    const answer = await curl('-X', 'GET', `${base}/api/user/`, '-H', 'accept: application/json', '-H', `Authorization: Bearer ${access}`, '-i');
    assert.equal(answer.status, 200);
    assert.equal(answer.body, '{"id":1,"username":"shoumitro"}');
  });
});

describe('seed 004 with real httpie', async () => {
  const skip = await toolAvailable('http');
  let server: TestServer;
  let base = '';
  // --ignore-stdin: httpie would otherwise read the test runner's stdin as a body.
  const http = async (...args: string[]) =>
    parsePrinted((await run('http', ['--ignore-stdin', '--print=hb', '--pretty=none', ...args])).stdout);
  let tokens: { refresh: string; access: string };

  before(async () => {
    server = await startServer();
    await server.createUser('user1', '#beta123');
    base = server.url;
  });
  after(() => server?.close());

  test('http POST /gettoken/ username="user1" password="#beta123"', { skip }, async () => {
    const answer = await http('POST', `${base}/gettoken/`, 'username=user1', 'password=#beta123');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('allow'), 'POST, OPTIONS');
    assert.equal(answer.headers.get('cross-origin-opener-policy'), 'same-origin');
    tokens = JSON.parse(answer.body);
    assert.deepEqual(Object.keys(tokens), ['refresh', 'access']);
  });

  test('http POST /verifytoken/ token=... gives {} within 5 minutes, 401 after', { skip }, async () => {
    const fresh = await http('POST', `${base}/verifytoken/`, `token=${tokens.access}`);
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body, '{}');
    server.clock.advance(5 * 60 + 1);
    const expired = await http('POST', `${base}/verifytoken/`, `token=${tokens.access}`);
    assert.equal(expired.status, 401);
    assert.equal(expired.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.deepEqual(JSON.parse(expired.body), { detail: 'Token is invalid or expired', code: 'token_not_valid' });
  });

  test('http POST /refreshtoken/ refresh=..., then the student API with the new access token', { skip }, async () => {
    const refreshed = await http('POST', `${base}/refreshtoken/`, `refresh=${tokens.refresh}`);
    assert.equal(refreshed.status, 200);
    const { access } = JSON.parse(refreshed.body);
    const empty = await http(`${base}/studentapi/`, `Authorization:Bearer ${access}`);
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get('allow'), 'GET, POST, HEAD, OPTIONS');
    assert.equal(empty.body, '[]');

    const created = await http('-f', 'POST', `${base}/studentapi/`, 'name=rahul', 'roll=102', 'city=Bokaro', `Authorization:Bearer ${access}`);
    assert.equal(created.status, 201);
    assert.deepEqual(JSON.parse(created.body), { id: 1, name: 'rahul', roll: 102, city: 'Bokaro' });
    const listed = await http(`${base}/studentapi/`, `Authorization:Bearer ${access}`);
    assert.deepEqual(JSON.parse(listed.body), [{ id: 1, name: 'rahul', roll: 102, city: 'Bokaro' }]);
  });
});
