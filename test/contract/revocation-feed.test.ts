import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { revocationFeedViews } from '../../src/contract/index.js';
import type { Tessera } from '../../src/core/index.js';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const SECRET = 'a-revocation-feed-secret-0123456789-abcdef';
const BEARER = { authorization: `Bearer ${SECRET}` };
const CREDENTIALS = { username: 'feed-user', password: 'Ab12345678-feed' };

describe('GET /api/token/revocations/: ended sessions and cut-offs for other services', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ tokenFamilies: true, revocationFeedToken: SECRET, refreshTokenLifetime: 3600 });
    await server.createUser(CREDENTIALS.username, CREDENTIALS.password);
  });
  after(() => server.close());

  const feed = (query = '', headers: Record<string, string> = BEARER) => server.get(`/api/token/revocations/${query}`, headers);
  const iso = (ms: number) => new Date(ms).toISOString();

  test('only for the secret, as a Bearer credential: DRF\'s 401s with the challenge otherwise', async () => {
    const { access } = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    const cases: [Record<string, string>, string][] = [
      [{}, 'Authentication credentials were not provided.'],
      [{ authorization: `Token ${SECRET}` }, 'Authentication credentials were not provided.'],
      [{ authorization: 'Bearer' }, 'Authentication credentials were not provided.'],
      [{ authorization: `Bearer ${SECRET}x` }, 'Invalid token.'],
      [{ authorization: `Bearer ${SECRET} ${SECRET}` }, 'Invalid token.'],
      // A user's token is not the service's secret.
      [{ authorization: `Bearer ${access}` }, 'Invalid token.'],
    ];
    for (const [headers, detail] of cases) {
      const answer = await feed('', headers);
      assert.equal(answer.status, 401, JSON.stringify(headers));
      assert.deepEqual(answer.json, { detail });
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="api"');
    }
    const posted = await server.post('/api/token/revocations/', {}, BEARER);
    assert.equal(posted.status, 405);
    assert.deepEqual(posted.json, { detail: 'Method "POST" not allowed.' });
  });

  test('a since that is not a cursor is a 400 naming the field', async () => {
    for (const since of ['abc', '-1', '1.5', '1234567890123456']) {
      const answer = await feed(`?since=${since}`);
      assert.equal(answer.status, 400, since);
      assert.deepEqual(answer.json, { since: ['A valid integer is required.'] });
    }
  });

  test('ended sessions and cut-offs with their expiry; each cursor brings only what is newer (plus a minute\'s overlap)', async () => {
    const first = await feed();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(first.json).sort(), ['cursor', 'cutoffs', 'sessions']);
    assert.match(first.json.cursor, /^\d+$/);

    const kept = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    const ended = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    server.clock.advance(61);
    const endedAt = server.clock.now;
    const logout = await server.post('/api/sessions/logout-all/', { keep_current: true }, kept.auth);
    assert.equal(logout.status, 200);
    const second = await feed(`?since=${first.json.cursor}`);
    const family = decodeJwt(ended.refresh).claims.fam;
    assert.ok(second.json.sessions.some((entry: { family: string }) => entry.family === family), 'the ended session');
    assert.deepEqual(second.json.sessions.find((entry: { family: string }) => entry.family === family), {
      family, ended: iso(endedAt), expires: iso(endedAt + 3600 * 1000),
    });
    assert.ok(!second.json.sessions.some((entry: { family: string }) => entry.family === decodeJwt(kept.refresh).claims.fam));
    assert.deepEqual(second.json.cutoffs, [], 'keeping the current session raises no cut-off');
    assert.equal(Number(second.json.cursor), endedAt - 60_000);

    // Within the overlap the same entries come again; a cursor taken past it brings them no more.
    server.clock.advance(61);
    const again = await feed(`?since=${second.json.cursor}`);
    assert.deepEqual(again.json.sessions, second.json.sessions);
    assert.deepEqual((await feed(`?since=${again.json.cursor}`)).json.sessions, []);
    // "Log out everywhere" is a cut-off, and ends the session that was kept.
    const cutAt = server.clock.now;
    assert.equal((await server.post('/api/sessions/logout-all/', {}, kept.auth)).status, 200);
    const third = await feed(`?since=${again.json.cursor}`);
    assert.deepEqual(third.json.cutoffs, [{ user_id: decodeJwt(kept.access).claims.user_id, cutoff: iso(cutAt), expires: iso(cutAt + 3600 * 1000) }]);
    assert.deepEqual(third.json.sessions.map((entry: { family: string }) => entry.family), [decodeJwt(kept.refresh).claims.fam]);
  });

  test('not served at all without revocationFeedToken', () => {
    const views = revocationFeedViews({ settings: { revocationFeedToken: '' } } as Tessera);
    assert.deepEqual(views, []);
  });
});
