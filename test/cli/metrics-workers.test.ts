import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { cleanUp, eventually, freshFolder, runCli, startServe } from '../support/cli-process.js';
import { sample } from '../telemetry/metrics-support.js';

const SIGNING_KEY = 'metrics-workers-signing-key-long-enough-0123456789';
const PASSWORD = 'worker-pass-1';

after(cleanUp);

/** One request on a connection of its own (so the kernel may hand it to either worker). */
function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(`${url}${path}`, {
      method, agent: false,
      headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Pids of the workers that answered a login (the access log's lines carry `pid`). */
function pidsThatAnsweredLogins(stdout: string): Set<number> {
  const pids = new Set<number>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { pid?: number; msg?: string; req?: { url?: string } };
    if (entry.msg === 'request completed' && entry.req?.url === '/api/token/' && typeof entry.pid === 'number') pids.add(entry.pid);
  }
  return pids;
}

describe('serve --workers 2 with metrics: true', () => {
  test('/metrics on any worker counts every worker\'s logins', async () => {
    const cwd = freshFolder();
    const env = { TESSERA_SIGNING_KEY: SIGNING_KEY, TESSERA_METRICS: 'true', TESSERA_LOG_LEVEL: 'info' };
    const created = await runCli(cwd, ['createuser', '--username', 'alice', '--email', 'alice@example.com', '--no-input'], {
      ...env, TESSERA_SUPERUSER_PASSWORD: PASSWORD,
    });
    assert.equal(created.code, 0, created.stderr);
    const server = await startServe(cwd, ['--workers', '2'], env);

    // Bursts of logins on new connections until both workers have answered some.
    let logins = 0;
    await eventually('both workers answer logins', async () => {
      const answers = await Promise.all(Array.from({ length: 6 }, () => call(server.url, 'POST', '/api/token/', { username: 'alice', password: PASSWORD })));
      for (const answer of answers) assert.equal(answer.status, 200, answer.text);
      logins += answers.length;
      return pidsThatAnsweredLogins(server.stdout()).size === 2 ? true : undefined;
    });
    const failed = await call(server.url, 'POST', '/api/token/', { username: 'alice', password: 'wrong' });
    assert.equal(failed.status, 401);

    // Scraped twice at once, on new connections, both answers count all of them, whichever worker answered.
    const scrapes = await Promise.all([call(server.url, 'GET', '/metrics'), call(server.url, 'GET', '/metrics')]);
    for (const scrape of scrapes) {
      assert.equal(scrape.status, 200, scrape.text);
      assert.equal(sample(scrape.text, 'tessera_login_attempts_total{outcome="success"}'), logins);
      assert.equal(sample(scrape.text, 'tessera_login_attempts_total{outcome="failure"}'), 1);
      assert.equal(sample(scrape.text, 'tessera_http_request_duration_seconds_count{route="/api/token/",status="200"}'), logins);
    }
  });
});
