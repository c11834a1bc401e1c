// The SDK first: tessera asks once, as it is built, whether one is registered.
import { attributeTexts, ancestorsOf, exporter, parentOf } from './tracing-support.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startServer, type TestServer } from '../support/server.js';
import { totpCode } from '../support/totp.js';
import { TEST_ENGINE } from '../support/database.js';

const PASSWORD = 'Tr4ced-pass-word-9';

describe('OpenTelemetry spans (the Node SDK with an in-memory exporter)', () => {
  let server: TestServer;
  const secrets: string[] = [PASSWORD];
  let spans: ReadableSpan[] = [];

  before(async () => {
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true });
    await server.createUser('tracy', PASSWORD);
    await server.createUser('otto', PASSWORD);
    exporter.reset();

    // A login, a refresh, a verify, a blacklist.
    const pair = await server.login('tracy', PASSWORD);
    const refreshed = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(refreshed.status, 200);
    assert.equal((await server.post('/api/token/verify/', { token: refreshed.json.access })).status, 200);
    assert.equal((await server.post('/api/token/blacklist/', { refresh: refreshed.json.refresh })).status, 200);
    secrets.push(pair.access, pair.refresh, refreshed.json.access, refreshed.json.refresh);

    // Two-factor: enrollment, a challenged login and its completion with a code.
    const otto = await server.login('otto', PASSWORD);
    secrets.push(otto.access, otto.refresh);
    const started = await server.post('/api/2fa/totp/', {}, otto.auth);
    assert.equal(started.status, 200, started.text);
    const secret = started.json.secret as string;
    const code = totpCode(secret, server.clock.now);
    const confirmed = await server.post('/api/2fa/totp/confirm/', { code }, otto.auth);
    assert.equal(confirmed.status, 200, confirmed.text);
    server.clock.advance(30);
    const first = await server.post('/api/token/', { username: 'otto', password: PASSWORD });
    assert.equal(typeof first.json.challenge, 'string', first.text);
    const second = totpCode(secret, server.clock.now);
    const done = await server.post('/api/token/2fa/', { challenge: first.json.challenge, code: second });
    assert.equal(done.status, 200, done.text);
    secrets.push(secret, code, second, first.json.challenge, ...(confirmed.json.recovery_codes as string[]), done.json.access, done.json.refresh);
    // A wrong password too: its refusal must not carry it either.
    assert.equal((await server.post('/api/token/', { username: 'tracy', password: 'Wr0ng-guess-here' })).status, 401);
    secrets.push('Wr0ng-guess-here');
    spans = exporter.getFinishedSpans();
  });
  after(() => server.close());

  const named = (name: string) => spans.filter((span) => span.name === name);

  test('a server span per request, named by method and route pattern', () => {
    assert.ok(named('POST /api/token/').length >= 3);
    assert.equal(named('POST /api/token/refresh/').length, 1);
    assert.equal(named('POST /api/token/2fa/').length, 1);
    const request = named('POST /api/token/refresh/')[0]!;
    assert.equal(request.attributes['http.route'], '/api/token/refresh/');
    assert.equal(request.attributes['http.response.status_code'], 200);
    assert.equal(parentOf(request, spans), undefined, 'a root span: the request came without traceparent');
  });

  test('use-case spans are children of their request\'s span', () => {
    for (const [useCase, request] of [
      ['tessera.tokens.obtainPair', 'POST /api/token/'],
      ['tessera.tokens.refresh', 'POST /api/token/refresh/'],
      ['tessera.tokens.verify', 'POST /api/token/verify/'],
      ['tessera.tokens.blacklist', 'POST /api/token/blacklist/'],
      ['tessera.twoFactor.completeLogin', 'POST /api/token/2fa/'],
    ] as const) {
      const spansOf = named(useCase);
      assert.ok(spansOf.length >= 1, `a ${useCase} span`);
      assert.equal(parentOf(spansOf[0]!, spans)?.name, request, useCase);
    }
    const failed = named('tessera.tokens.obtainPair').find((span) => span.attributes['tessera.error.code'] === 'no_active_account');
    assert.ok(failed, 'the wrong password\'s login span says how it failed');
  });

  test('database calls are client spans with the SQL text, under the use case that made them', () => {
    const queries = spans.filter((span) => span.attributes['db.system.name'] !== undefined);
    assert.ok(queries.length > 0);
    for (const query of queries) assert.equal(query.attributes['db.system.name'], TEST_ENGINE === 'postgres' ? 'postgresql' : 'sqlite');
    const refresh = named('tessera.tokens.refresh')[0]!;
    const underRefresh = queries.filter((query) => ancestorsOf(query, spans).includes(refresh));
    assert.ok(underRefresh.length > 0, 'the refresh\'s queries nest under it');
    assert.ok(underRefresh.some((query) => /^(select|update|insert)/i.test(String(query.attributes['db.query.text']))));
  });

  test('no span name or attribute holds a password, token, code, challenge or secret', () => {
    assert.ok(spans.length > 20);
    const texts = attributeTexts(spans);
    for (const secret of secrets) {
      for (const text of texts) assert.ok(!text.includes(secret), `a span carries a secret (${secret.slice(0, 6)}...): ${text.slice(0, 120)}`);
    }
  });
});
