import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const CREDENTIALS = { username: 'alice', password: 'Ab12345678' };
const REUSED = { detail: 'Token was already used; its session has been ended', code: 'token_reused' };
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };

describe('refresh token families: grace window and reuse detection', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true });
    await server.createUser('alice', 'Ab12345678');
  });
  after(() => server.close());

  const login = () => server.login(CREDENTIALS.username, CREDENTIALS.password);
  const me = (access: string) => server.get('/api/user/', { authorization: `Bearer ${access}` });

  test('login puts a fam claim (32 hex) in both tokens; rotation hands the family on', async () => {
    const pair = await login();
    const fam = decodeJwt(pair.refresh).claims.fam;
    assert.match(String(fam), /^[0-9a-f]{32}$/);
    assert.equal(decodeJwt(pair.access).claims.fam, fam);
    const rotated = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(rotated.status, 200);
    assert.equal(decodeJwt(rotated.json.refresh).claims.fam, fam);
    assert.equal(decodeJwt(rotated.json.access).claims.fam, fam);
    const second = await login();
    assert.notEqual(decodeJwt(second.refresh).claims.fam, fam, 'every login starts a new family');
  });

  test('a retry within the grace window gets the same successor and a working access token', async () => {
    const pair = await login();
    const first = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(first.status, 200);
    server.clock.advance(9);
    const retry = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(retry.status, 200, JSON.stringify(retry.json));
    assert.equal(retry.json.refresh, first.json.refresh, 'the successor already issued');
    assert.equal((await me(retry.json.access)).status, 200);
    // Nothing was revoked: the successor still rotates.
    const next = await server.post('/api/token/refresh/', { refresh: first.json.refresh });
    assert.equal(next.status, 200);
  });

  test('reuse after the grace window ends the whole family: victim and attacker both lose, access tokens stop', async () => {
    const pair = await login();
    const fam = decodeJwt(pair.refresh).claims.fam;
    // The attacker rotates first; the victim rotates the attacker's successor on.
    const attacker = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(attacker.status, 200);
    server.clock.advance(11);
    const victim = await server.post('/api/token/refresh/', { refresh: attacker.json.refresh });
    assert.equal(victim.status, 200);
    assert.equal((await me(victim.json.access)).status, 200);

    // The original comes back after the window: reuse.
    const reuse = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(reuse.status, 401);
    assert.deepEqual(reuse.json, REUSED);
    assert.equal(reuse.headers.get('www-authenticate'), 'Bearer realm="api"');

    // Every token of the family is dead, access tokens included, before they expire; the
    // legitimate holder's refresh says reuse (not "blacklisted"), so its client can tell it from expiry.
    const victimRefresh = await server.post('/api/token/refresh/', { refresh: victim.json.refresh });
    assert.equal(victimRefresh.status, 401);
    assert.deepEqual(victimRefresh.json, REUSED);
    assert.equal(victimRefresh.headers.get('www-authenticate'), 'Bearer realm="api"');
    const attackerAgain = await server.post('/api/token/refresh/', { refresh: attacker.json.refresh });
    assert.equal(attackerAgain.status, 401);
    assert.deepEqual(attackerAgain.json, REUSED);
    for (const access of [pair.access, attacker.json.access, victim.json.access]) {
      const answer = await me(access);
      assert.equal(answer.status, 401);
      assert.equal(answer.json.messages[0].message, 'Token is blacklisted');
    }
    const verify = await server.post('/api/token/verify/', { token: victim.json.access });
    assert.equal(verify.status, 400);
    assert.deepEqual(verify.json, { non_field_errors: ['Token is blacklisted'] });

    // In the database: the family is revoked and every outstanding token of it blacklisted.
    const db = server.store.database.db;
    const family = await db.selectFrom('tessera_token_family').selectAll().where('family', '=', String(fam)).executeTakeFirstOrThrow();
    assert.notEqual(family.revoked_at, null);
    assert.equal(family.revoked_reason, 'reused');
    const live = await db
      .selectFrom('token_blacklist_outstandingtoken as o')
      .leftJoin('token_blacklist_blacklistedtoken as b', 'b.token_id', 'o.id')
      .select(['o.jti', 'b.id as blacklisted'])
      .where('o.family', '=', String(fam))
      .execute();
    assert.equal(live.length, 3);
    assert.ok(live.every((row) => row.blacklisted !== null), 'every token of the family is blacklisted');

    // Other sessions of the user are untouched.
    const other = await login();
    assert.equal((await me(other.access)).status, 200);
  });

  test('reuse answers token_reused for the family\'s tokens even on a process that did not see it (read from the database)', async () => {
    const pair = await login();
    const attacker = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    server.clock.advance(11);
    const victim = await server.post('/api/token/refresh/', { refresh: attacker.json.refresh });
    assert.equal(victim.status, 200);
    const fam = String(decodeJwt(pair.refresh).claims.fam);
    // As another process ending it would: only the database knows, not this process's memory.
    assert.notEqual(await server.store.families.revoke(fam, new Date(server.clock.now), 'reused'), null);
    assert.equal(server.tessera.revocation.isFamilyRevoked(fam), false);
    const answer = await server.post('/api/token/refresh/', { refresh: victim.json.refresh });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, REUSED);
    assert.equal(server.tessera.revocation.isFamilyRevoked(fam), true, 'remembered once read');
  });

  test('a session ended by DELETE or logout-all answers "Token is blacklisted" for every token of it, rotated ones too', async () => {
    const ended = async (end: (access: string) => Promise<void>) => {
      const pair = await login();
      const rotated = await server.post('/api/token/refresh/', { refresh: pair.refresh });
      assert.equal(rotated.status, 200);
      server.clock.advance(11);
      await end(rotated.json.access);
      for (const refresh of [pair.refresh, rotated.json.refresh]) {
        const answer = await server.post('/api/token/refresh/', { refresh });
        assert.equal(answer.status, 401);
        assert.deepEqual(answer.json, BLACKLISTED);
      }
      const fam = String(decodeJwt(pair.refresh).claims.fam);
      const row = await server.store.families.find(fam);
      assert.equal(row?.revokedReason, 'logout');
    };
    await ended(async (access) => {
      const bearer = { authorization: `Bearer ${access}` };
      const sessions = await server.get('/api/sessions/', bearer);
      const current = sessions.json.find((session: { current: boolean }) => session.current);
      assert.equal((await server.request('DELETE', `/api/sessions/${current.id}/`, { headers: bearer })).status, 204);
    });
    await ended(async (access) => {
      const answer = await server.post('/api/sessions/logout-all/', {}, { authorization: `Bearer ${access}` });
      assert.equal(answer.status, 200);
    });
  });

  test('a token blacklisted by logout (not rotation) stays "Token is blacklisted", never a successor', async () => {
    const pair = await login();
    assert.equal((await server.post('/api/token/blacklist/', { refresh: pair.refresh })).status, 200);
    const answer = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, BLACKLISTED);
  });

  test('an expired rotated token is expired, not reuse', async () => {
    const pair = await login();
    assert.equal((await server.post('/api/token/refresh/', { refresh: pair.refresh })).status, 200);
    server.clock.advance(86400);
    const answer = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
  });

  test('20 concurrent refreshes of one token: all 200 with exactly one distinct successor, one row recorded', async () => {
    const pair = await login();
    const before = await server.store.tokens.countOutstanding();
    const answers = await Promise.all(Array.from({ length: 20 }, () => server.post('/api/token/refresh/', { refresh: pair.refresh })));
    assert.ok(answers.every((answer) => answer.status === 200), answers.map((a) => a.status).join(','));
    assert.equal(new Set(answers.map((answer) => answer.json.refresh)).size, 1);
    assert.equal(await server.store.tokens.countOutstanding(), before + 1);
  });
});

describe('refreshGraceWindow setting', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, refreshGraceWindow: 0 });
    await server.createUser('alice', 'Ab12345678');
  });
  after(() => server.close());

  test('0 turns the grace off: an immediate retry is reuse', async () => {
    const pair = await server.login(CREDENTIALS.username, CREDENTIALS.password);
    const first = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(first.status, 200);
    const retry = await server.post('/api/token/refresh/', { refresh: pair.refresh });
    assert.equal(retry.status, 401);
    assert.deepEqual(retry.json, REUSED);
    assert.equal((await server.post('/api/token/refresh/', { refresh: first.json.refresh })).status, 401);
  });

  test('TESSERA_REFRESH_GRACE_WINDOW is read from the environment', async () => {
    const { loadSettings } = await import('../../src/settings/index.js');
    assert.equal(loadSettings({ env: { TESSERA_REFRESH_GRACE_WINDOW: '30' }, cwd: server.dir }).refreshGraceWindow, 30);
    assert.equal(loadSettings({ env: {}, cwd: server.dir }).refreshGraceWindow, 10);
  });
});
