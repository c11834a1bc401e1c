import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Settings } from '../../src/settings/index.js';
import { decodeJwt, startServer, type Answer, type Login, type TestServer } from '../support/server.js';

const PASSWORD = 'Ab12345678';
const FAMILIES: Partial<Settings> = { tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false };
const ended = (reason: string) => ({ detail: 'Session has expired', code: 'token_not_valid', reason });

/** Starts a server with these settings and one user per name. */
async function serverWith(settings: Partial<Settings>, ...users: string[]): Promise<TestServer> {
  const server = await startServer({ ...FAMILIES, ...settings });
  for (const name of users) await server.createUser(name, PASSWORD);
  return server;
}

const famOf = (token: string) => String(decodeJwt(token).claims.fam);
const expOf = (token: string) => Number(decodeJwt(token).claims.exp);
const iatOf = (token: string) => Number(decodeJwt(token).claims.iat);

/** A refused refresh: 401, the body, and Bearer's challenge. */
function assertRefused(answer: Answer, body: Record<string, unknown>): void {
  assert.equal(answer.status, 401, answer.text);
  assert.deepEqual(answer.json, body);
  assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
}

/** The session's row, and the audit events of its ending. */
async function endingOf(server: TestServer, refresh: string) {
  const family = await server.store.families.find(famOf(refresh));
  await server.tessera.audit.flush();
  const events = (await server.tessera.audit.list({ type: 'session_ended' })).filter((event) => event.detail.session === family?.id);
  return { family, events };
}

describe('sessionAbsoluteLifetime: a session ends at a fixed age from its login, however active', () => {
  let server: TestServer;
  before(async () => {
    server = await serverWith({ sessionAbsoluteLifetime: 3600, refreshTokenLifetime: 86400 }, 'alice');
  });
  after(() => server.close());

  test('no token outlives the session: refresh and access exp are capped at login + lifetime', async () => {
    const pair = await server.login('alice', PASSWORD);
    const end = iatOf(pair.refresh) + 3600;
    assert.equal(expOf(pair.refresh), end, 'the login\'s refresh token, capped (refreshTokenLifetime is a day)');
    assert.equal(expOf(pair.access), iatOf(pair.access) + 300, 'an access token well inside the session is not touched');
    server.clock.advance(3500);
    const rotated = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(expOf(rotated.json.refresh), end, 'the successor\'s exp is the session\'s end, not a fresh day');
    assert.equal(expOf(rotated.json.access), end, 'the access token is capped too (3500 + 300 > 3600)');
    assert.equal(famOf(rotated.json.refresh), famOf(pair.refresh));
  });

  test('at the end, a refresh answers 401 "Session has expired" (reason expired), again on retry; the session shows as ended', async () => {
    const pair = await server.login('alice', PASSWORD);
    server.clock.advance(1800);
    const rotated = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(rotated.status, 200);
    server.clock.advance(1800);
    // The capped exp has passed: the refusal says why, not "Token is invalid or expired".
    assertRefused(await server.post('/api/token/refresh/', { refresh: rotated.json.refresh }), ended('expired'));
    assertRefused(await server.post('/api/token/refresh/', { refresh: rotated.json.refresh }), ended('expired'));
    const { family, events } = await endingOf(server, pair.refresh);
    assert.equal(family?.revokedReason, 'expired');
    assert.deepEqual(events.map((event) => [event.userId, event.detail.reason]), [[family?.userId, 'expired']], 'one audit event');
    // Another login of the same user is a new session with its own hour.
    const next = await server.login('alice', PASSWORD);
    assert.equal(expOf(next.refresh), iatOf(next.refresh) + 3600);
    assert.equal((await server.post('/api/token/refresh/', { refresh: next.refresh })).status, 200);
  });

  test('a token that outlives the end (issued before the setting, or within the leeway) is refused by the session check', async () => {
    const pair = await server.login('alice', PASSWORD);
    // As a token issued before sessionAbsoluteLifetime was set: its exp is a day away.
    const row = await server.store.families.find(famOf(pair.refresh));
    await server.store.database.db.updateTable('tessera_token_family')
      .set({ created_at: new Date(row!.createdAt.getTime() - 3600_000).toISOString() }).where('id', '=', row!.id).execute();
    assertRefused(await server.post('/api/token/refresh/', { refresh: pair.refresh }), ended('expired'));
    // The session's access tokens stop at once (the ended family is refused from memory).
    const me = await server.get('/api/user/', { authorization: `Bearer ${pair.access}` });
    assert.equal(me.status, 401);
  });
});

describe('sessionAbsoluteLifetime with a leeway: the end is the session\'s, not the leeway\'s', () => {
  let server: TestServer;
  before(async () => {
    server = await serverWith({ sessionAbsoluteLifetime: 600, leeway: 60 }, 'bob');
  });
  after(() => server.close());

  test('within the leeway after the end, the exp check passes and the session check refuses', async () => {
    const pair = await server.login('bob', PASSWORD);
    server.clock.advance(610);
    assertRefused(await server.post('/api/token/refresh/', { refresh: pair.refresh }), ended('expired'));
    assert.equal((await server.store.families.find(famOf(pair.refresh)))?.revokedReason, 'expired');
  });
});

for (const rotate of [true, false]) {
  describe(`sessionIdleTimeout (${rotate ? 'with' : 'without'} rotation): a session unused that long ends`, () => {
    let server: TestServer;
    before(async () => {
      server = await serverWith({ sessionIdleTimeout: 600, rotateRefreshTokens: rotate, blacklistAfterRotation: rotate }, 'carol');
    });
    after(() => server.close());

    test('each refresh restarts the idle clock; a refresh after the timeout answers reason idle', async () => {
      const pair = await server.login('carol', PASSWORD);
      let refresh = pair.refresh;
      for (let i = 0; i < 3; i++) {
        server.clock.advance(599);
        const answer = await server.post('/api/token/refresh/', { refresh });
        assert.equal(answer.status, 200, answer.text);
        refresh = answer.json.refresh ?? refresh;
      }
      assert.equal(expOf(refresh) > iatOf(refresh) + 600, true, 'the idle timeout does not cap exp: the next use moves it');
      server.clock.advance(600);
      assertRefused(await server.post('/api/token/refresh/', { refresh }), ended('idle'));
      assertRefused(await server.post('/api/token/refresh/', { refresh }), ended('idle'));
      const { family, events } = await endingOf(server, pair.refresh);
      assert.equal(family?.revokedReason, 'idle');
      assert.equal(events.length, 1);
      if (rotate) {
        // The rotated predecessor, presented now, answers for its session too (not as reuse).
        assertRefused(await server.post('/api/token/refresh/', { refresh: pair.refresh }), ended('idle'));
      }
    });

    test('the ended sessions list says why; the live list no longer holds it', async () => {
      const idle = await server.login('carol', PASSWORD);
      const idleId = (await server.store.families.find(famOf(idle.refresh)))!.id;
      server.clock.advance(601);
      const live = await server.login('carol', PASSWORD);
      // Idle already, though nothing has marked it so yet: not listed as live.
      const before = await server.get('/api/sessions/', live.auth);
      assert.ok(!before.json.some((session: { id: number }) => session.id === idleId), 'an idle session is not listed as live');
      assertRefused(await server.post('/api/token/refresh/', { refresh: idle.refresh }), ended('idle'));
      const listed = await server.get('/api/sessions/', live.auth);
      assert.equal(listed.status, 200);
      assert.ok(!listed.json.some((session: { id: number }) => session.id === idleId), 'not live');
      const endedList = await server.get('/api/sessions/?ended=true', live.auth);
      assert.equal(endedList.status, 200);
      const entry = endedList.json.find((session: { id: number }) => session.id === idleId);
      assert.equal(entry?.end_reason, 'idle');
      assert.equal(entry?.ended, new Date(server.clock.now).toISOString());
      assert.equal(entry?.current, false);
      const bad = await server.get('/api/sessions/?ended=maybe', live.auth);
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.json, { ended: ['Must be a valid boolean.'] });
    });
  });
}

describe('sessionsPerUser with sessionLimitPolicy evict: a login past the limit ends the oldest session', () => {
  let server: TestServer;
  before(async () => {
    server = await serverWith({ sessionsPerUser: 2 }, 'dave', 'erin');
  });
  after(() => server.close());

  test('the third login ends the first: its refresh answers reason evicted, its access token stops; the others go on', async () => {
    const first = await server.login('dave', PASSWORD);
    server.clock.advance(1);
    const second = await server.login('dave', PASSWORD);
    const other = await server.login('erin', PASSWORD);
    server.clock.advance(1);
    // Used lately or not, the oldest login goes first.
    assert.equal((await server.post('/api/token/refresh/', { refresh: first.refresh })).status, 200);
    const firstRotated = await server.post('/api/token/refresh/', { refresh: second.refresh });
    assert.equal(firstRotated.status, 200);
    const third = await server.login('dave', PASSWORD);
    const refused = await server.post('/api/token/refresh/', { refresh: first.refresh });
    // The rotated original of the first session: the session's reason, not reuse.
    assertRefused(refused, ended('evicted'));
    assert.equal((await server.get('/api/user/', first.auth)).status, 401, 'its access token is refused at once');
    const { family, events } = await endingOf(server, first.refresh);
    assert.equal(family?.revokedReason, 'evicted');
    assert.equal(events.length, 1);
    assert.equal((await server.post('/api/token/refresh/', { refresh: firstRotated.json.refresh })).status, 200, 'the second lives');
    assert.equal((await server.post('/api/token/refresh/', { refresh: third.refresh })).status, 200, 'the third lives');
    assert.equal((await server.post('/api/token/refresh/', { refresh: other.refresh })).status, 200, 'another user is not counted');
    const listed = await server.get('/api/sessions/', third.auth);
    assert.equal(listed.json.length, 2);
  });
});

describe('sessionsPerUser with sessionLimitPolicy refuse: a login past the limit is refused', () => {
  let server: TestServer;
  before(async () => {
    server = await serverWith({ sessionsPerUser: 2, sessionLimitPolicy: 'refuse', sessionIdleTimeout: 3600 }, 'frank');
  });
  after(() => server.close());

  test('403 session_limit_reached, nothing ends; ending a session (or its going idle) makes room', async () => {
    const first = await server.login('frank', PASSWORD);
    const second = await server.login('frank', PASSWORD);
    const refused = await server.post('/api/token/', { username: 'frank', password: PASSWORD });
    assert.equal(refused.status, 403, refused.text);
    assert.deepEqual(refused.json, {
      detail: 'You have reached the maximum number of sessions. Sign out of another session first.',
      code: 'session_limit_reached',
    });
    // A wrong password is still the 401 it always was: the limit is not a way to probe passwords.
    assert.equal((await server.post('/api/token/', { username: 'frank', password: 'wrong' })).status, 401);
    const live = await server.get('/api/sessions/', first.auth);
    assert.equal(live.json.length, 2, 'the refused login started no session');
    const firstSession = live.json.find((session: { current: boolean }) => session.current);
    assert.equal((await server.request('DELETE', `/api/sessions/${firstSession.id}/`, { headers: first.auth })).status, 204);
    const third = await server.login('frank', PASSWORD);
    assert.equal((await server.post('/api/token/', { username: 'frank', password: PASSWORD })).status, 403);
    // An idle session does not count: the login ends it (reason idle) and goes in.
    server.clock.advance(1800);
    assert.equal((await server.post('/api/token/refresh/', { refresh: third.refresh })).status, 200);
    server.clock.advance(1800);
    const fourth = await server.login('frank', PASSWORD);
    assertRefused(await server.post('/api/token/refresh/', { refresh: second.refresh }), ended('idle'));
    assert.equal((await server.store.families.find(famOf(second.refresh)))?.revokedReason, 'idle');
    assert.equal((await server.get('/api/sessions/', fourth.auth)).json.length, 2);
  });
});

for (const policy of ['evict', 'refuse'] as const) {
  describe(`sessionsPerUser (${policy}): a burst of parallel logins of one user never leaves more than the limit live`, () => {
    let server: TestServer;
    before(async () => {
      server = await serverWith({ sessionsPerUser: 3, sessionLimitPolicy: policy }, 'gina');
    });
    after(() => server.close());

    test('20 logins at once', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => server.post('/api/token/', { username: 'gina', password: PASSWORD })));
      const statuses = answers.map((answer) => answer.status).sort();
      const user = await server.store.users.findByUsername('gina');
      const live = await server.store.families.listLive(user!.id, new Date(server.clock.now - 86400_000));
      assert.equal(live.length, 3, `live sessions after the burst (answers: ${statuses.join(',')})`);
      if (policy === 'refuse') {
        assert.deepEqual(statuses, [...Array(3).fill(200), ...Array(17).fill(403)]);
      } else {
        assert.deepEqual(statuses, Array(20).fill(200));
        const evicted = await server.store.families.listEnded(user!.id, new Date(0));
        assert.equal(evicted.length, 17);
        assert.ok(evicted.every((family) => family.revokedReason === 'evicted'));
      }
      // The answers that got a pair: exactly the live sessions' tokens refresh.
      const pairs = answers.filter((answer) => answer.status === 200).map((answer) => answer.json as Login);
      const refreshed = await Promise.all(pairs.map((pair) => server.post('/api/token/refresh/', { refresh: pair.refresh })));
      assert.equal(refreshed.filter((answer) => answer.status === 200).length, 3);
    });
  });
}
