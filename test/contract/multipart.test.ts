import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Ab12345678';
const BOUNDARY = 'tessera-boundary';

/** A multipart/form-data body from [name, value, filename?] parts. */
function formBody(parts: [string, string, string?][], boundary = BOUNDARY): string {
  const encoded = parts.map(([name, value, filename]) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: text/plain` : ''}\r\n\r\n${value}\r\n`);
  return `${encoded.join('')}--${boundary}--\r\n`;
}

/** POSTs `chunks` with chunked transfer encoding (no Content-Length), as a streaming client does. */
function postChunked(url: string, chunks: string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    // The server may answer 413 and stop reading before every chunk is written.
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('multipart bodies (DRF MultiPartParser)', () => {
  let server: TestServer;
  const login = (body: string, boundary = BOUNDARY) =>
    server.request('POST', '/api/token/', { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });

  before(async () => {
    server = await startServer();
    await server.createUser('shoumitro', PASSWORD);
  });
  after(() => server.close());

  test('fields are the body; a name sent twice keeps its last value, as QueryDict does', async () => {
    const answer = await login(formBody([['username', 'nobody'], ['username', 'shoumitro'], ['password', PASSWORD]]));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(typeof answer.json.access, 'string');
  });

  test('a file where a text field belongs is not a valid string', async () => {
    const answer = await login(formBody([['username', 'shoumitro', 'name.txt'], ['password', PASSWORD]]));
    assert.equal(answer.status, 400, answer.text);
    assert.deepEqual(answer.json, { username: ['Not a valid string.'] });
  });

  test('a streamed body past the body limit is 413, not silently cut short', async () => {
    const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="username"\r\n\r\n`;
    const chunks = [head, ...Array.from({ length: 20 }, () => 'u'.repeat(64 * 1024)), `\r\n--${BOUNDARY}--\r\n`];
    const answer = await postChunked(`${server.url}/api/token/`, chunks);
    assert.equal(answer.status, 413);
    assert.deepEqual(answer.body, { detail: 'Request body is too large.' });
  });

  test('more than 100 fields is 413', async () => {
    const parts = Array.from({ length: 101 }, (_, i): [string, string] => [`f${i}`, 'x']);
    const answer = await login(formBody(parts));
    assert.equal(answer.status, 413);
    assert.deepEqual(answer.json, { detail: 'Request body is too large.' });
  });

  test('a body that ends mid-part is 400 "Multipart form parse error - ..."', async () => {
    const cut = formBody([['username', 'shoumitro'], ['password', PASSWORD]]).slice(0, -30);
    const answer = await login(cut);
    assert.equal(answer.status, 400, answer.text);
    assert.match(answer.json.detail, /^Multipart form parse error - /);
  });

  test('a boundary longer than busboy can search for is 400', async () => {
    const long = 'b'.repeat(300);
    const answer = await login(formBody([['username', 'shoumitro']], long), long);
    assert.equal(answer.status, 400, answer.text);
    assert.match(answer.json.detail, /^Multipart form parse error - /);
  });

  for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
    test(`a field named ${name} is refused, 400`, async () => {
      const answer = await login(formBody([[name, 'x'], ['username', 'shoumitro'], ['password', PASSWORD]]));
      assert.equal(answer.status, 400, answer.text);
      assert.deepEqual(answer.json, { detail: 'Multipart form parse error - prototype property is not allowed as field name' });
    });
  }

  test('after all of this the server still logs in with a multipart body', async () => {
    const answer = await login(formBody([['username', 'shoumitro'], ['password', PASSWORD]]));
    assert.equal(answer.status, 200, answer.text);
  });
});
