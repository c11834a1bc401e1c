import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_COMMAND_TIMEOUT_MS, REDIS_COOL_DOWN_MS } from '../../src/store/index.js';
import { TOKEN_REUSED } from '../../src/tokens/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeys, eventually, randomPrefix, redisSkipReason, testRedis, TEST_REDIS_URL } from '../support/redis.js';
import { decodeJwt, startServer, type Answer, type TestServer } from '../support/server.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/**
 * How long a wait may take before the test calls it a hang. Not a latency claim (the fan-out's
 * speed is measured in bench/, not here): a loaded two-core machine can stall a process for a second.
 */
const HANG_GUARD_MS = 5000;

const CREDENTIALS = { username: 'frozen', password: 'Ab12345678' };
const ROTATION = { rotateRefreshTokens: true, blacklistAfterRotation: true, tokenFamilies: true };
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
/**
 * The bounds sit halfway between the answers: without the breaker a refresh waits two timeouts
 * (1000 ms and more, always), with it the first waits one and later ones none (about 10 ms
 * here); halfway keeps the test steady on a loaded machine.
 */
const ONE_WAIT_MS = DEFAULT_COMMAND_TIMEOUT_MS * 2;
const NO_WAIT_MS = DEFAULT_COMMAND_TIMEOUT_MS;

const skip = await redisSkipReason();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(call: () => Promise<Answer>): Promise<Answer & { ms: number }> {
  const started = performance.now();
  const answer = await call();
  return { ...answer, ms: performance.now() - started };
}

/**
 * Redis frozen: the TCP connection stays open but nothing answers (a proxy that stops
 * forwarding), the case a command timeout alone handles badly: every command of every request
 * would wait it out.
 */
describe('a frozen Redis', { skip: skip ?? false }, () => {
  const prefix = randomPrefix();
  const redis = skip ? null : testRedis();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-frozen-'));
  const lines: { level: number; msg: string }[] = [];
  const redisLines = () => lines.filter((line) => line.msg.startsWith('Redis at '));
  const target = new URL(TEST_REDIS_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
  let database: TestDatabase;
  let frozen: TestServer;
  let direct: TestServer;
  let blacklistedElsewhere: string;
  let successor: string;

  before(async () => {
    database = await createTestDatabase(dir);
    const proxied = new URL(TEST_REDIS_URL);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.start());
    frozen = await startServer(
      { databaseUrl: database.url, redisUrl: proxied.toString(), redisKeyPrefix: prefix, logLevel: 'info', ...ROTATION },
      { logStream: { write: (line) => void lines.push(JSON.parse(line)) } },
    );
    direct = await startServer({ databaseUrl: database.url, redisUrl: TEST_REDIS_URL, redisKeyPrefix: prefix, ...ROTATION });
    await frozen.createUser(CREDENTIALS.username, CREDENTIALS.password);
  });

  after(async () => {
    await frozen?.close();
    await direct?.close();
    await proxy.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  test('refreshes answer from the database: the first waits one command timeout, later ones none', async () => {
    assert.equal(await eventually(() => frozen.tessera.redis?.status() === 'ready', HANG_GUARD_MS), true);
    const pair = await frozen.login(CREDENTIALS.username, CREDENTIALS.password);
    const other = await frozen.login(CREDENTIALS.username, CREDENTIALS.password);
    proxy.hang();
    // Blacklisted by another process during the freeze: only the database can tell this one.
    assert.equal((await direct.post('/api/token/blacklist/', { refresh: other.refresh })).status, 200);
    blacklistedElsewhere = String(decodeJwt(other.refresh).claims.jti);

    // Two Redis commands (the throttle's counter, the rotation's announcement): one timeout, not two.
    const first = await timed(() => frozen.post('/api/token/refresh/', { refresh: pair.refresh }));
    assert.equal(first.status, 200, first.text);
    assert.ok(first.ms < ONE_WAIT_MS, `first refresh took ${Math.round(first.ms)} ms`);
    assert.equal(frozen.tessera.redis?.status(), 'down');

    const second = await timed(() => frozen.post('/api/token/refresh/', { refresh: first.json.refresh }));
    assert.equal(second.status, 200, second.text);
    assert.ok(second.ms < NO_WAIT_MS, `second refresh took ${Math.round(second.ms)} ms`);
    successor = second.json.refresh;

    const refused = await timed(() => frozen.post('/api/token/refresh/', { refresh: other.refresh }));
    assert.deepEqual(refused.json, BLACKLISTED);
    assert.ok(refused.ms < NO_WAIT_MS, `refused refresh took ${Math.round(refused.ms)} ms`);

    // Reuse after the grace window still ends the session (its revocation skips Redis too).
    const stolen = await frozen.login(CREDENTIALS.username, CREDENTIALS.password);
    const stolenNext = (await frozen.post('/api/token/refresh/', { refresh: stolen.refresh })).json;
    frozen.clock.advance(frozen.settings.refreshGraceWindow + 1);
    direct.clock.advance(frozen.settings.refreshGraceWindow + 1);
    const reused = await timed(() => frozen.post('/api/token/refresh/', { refresh: stolen.refresh }));
    assert.deepEqual(reused.json, TOKEN_REUSED);
    assert.ok(reused.ms < NO_WAIT_MS, `reuse took ${Math.round(reused.ms)} ms`);
    assert.deepEqual((await frozen.post('/api/token/refresh/', { refresh: stolenNext.refresh })).json, TOKEN_REUSED);

    const ready = await timed(() => frozen.get('/ready/'));
    assert.deepEqual(ready.json, { status: 'ready', database: 'ok', redis: 'unavailable' });
    assert.ok(ready.ms < NO_WAIT_MS, `/ready/ took ${Math.round(ready.ms)} ms`);
  });

  test('after the cool-down one probe asks Redis in the background; requests still do not wait', async () => {
    await sleep(REDIS_COOL_DOWN_MS + 100); // the probe is waiting for its answer now
    const probing = await timed(() => frozen.post('/api/token/refresh/', { refresh: successor }));
    assert.equal(probing.status, 200, probing.text);
    assert.ok(probing.ms < NO_WAIT_MS, `refresh during the probe took ${Math.round(probing.ms)} ms`);
    await sleep(DEFAULT_COMMAND_TIMEOUT_MS); // the probe timed out: another cool-down
    const after = await timed(() => frozen.post('/api/token/refresh/', { refresh: probing.json.refresh }));
    assert.equal(after.status, 200, after.text);
    assert.ok(after.ms < NO_WAIT_MS, `refresh after a failed probe took ${Math.round(after.ms)} ms`);
    successor = after.json.refresh;
    assert.equal(frozen.tessera.redis?.status(), 'down');
    const logged = redisLines();
    assert.equal(logged.length, 1, JSON.stringify(logged));
    assert.equal(logged[0]!.level, 40);
    assert.match(logged[0]!.msg, /did not answer within 500 ms/);
  });

  test('when Redis answers again a probe sees it: fan-out and shared counters resume', async () => {
    proxy.resume();
    assert.equal(await eventually(() => frozen.tessera.redis?.status() === 'ready', REDIS_COOL_DOWN_MS + 2000), true);
    const logged = redisLines();
    assert.equal(logged.length, 2, JSON.stringify(logged));
    assert.match(logged[1]!.msg, /is reachable again/);
    // What another process revoked during the freeze reaches this one through Redis now.
    assert.equal(await eventually(() => frozen.tessera.revocation.knowsRevoked(blacklistedElsewhere), HANG_GUARD_MS), true);

    assert.equal((await frozen.post('/api/token/blacklist/', { refresh: successor })).status, 200);
    const jti = String(decodeJwt(successor).claims.jti);
    assert.equal(await eventually(() => direct.tessera.revocation.knowsRevoked(jti), HANG_GUARD_MS), true);

    const fresh = await direct.login(CREDENTIALS.username, CREDENTIALS.password);
    assert.equal((await direct.post('/api/token/blacklist/', { refresh: fresh.refresh })).status, 200);
    const freshJti = String(decodeJwt(fresh.refresh).claims.jti);
    assert.equal(await eventually(() => frozen.tessera.revocation.knowsRevoked(freshJti), HANG_GUARD_MS), true);

    assert.equal((await frozen.tessera.counters.increment('after-freeze', 60)).count, 1);
    assert.equal((await direct.tessera.counters.increment('after-freeze', 60)).count, 2);
  });
});
