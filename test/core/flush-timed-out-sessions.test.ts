import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { SessionEnded, type Settings, type Tessera } from '../../src/index.js';
import { openTestCore, type TestCore } from '../support/core.js';

const PASSWORD = 'Ab12345678';
const famOf = (token: string) => String(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).fam);

/**
 * `flushExpiredTokens` ends the sessions the clock ended but nothing wrote down (no refresh and no
 * later login of the user came), on the engine of the run, with the injected clock.
 */
describe('flushExpiredTokens ends sessions that went idle or past their absolute lifetime', () => {
  const opened: TestCore[] = [];
  after(async () => {
    for (const core of opened) await core.close();
  });

  /** A core with sessions rotating and blacklisting, and the user ann. */
  async function core(overrides: Partial<Settings>) {
    const opening = await openTestCore({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, ...overrides }, 'flush-sessions');
    opened.push(opening);
    const user = await opening.tessera.users.create({ username: 'ann', email: 'ann@example.com', password: PASSWORD });
    return { tessera: opening.tessera, clock: opening.clock, user, another: opening.another };
  }

  const endings = async (tessera: Tessera) => {
    await tessera.audit.flush();
    return (await tessera.audit.list({ type: 'session_ended', limit: 10_000 })).map((event) => event.detail);
  };

  test('each ends with its reason (expired before idle), once, audited once; live ones stay; a refresh after says why', async () => {
    const { tessera, clock } = await core({ sessionAbsoluteLifetime: 3600, sessionIdleTimeout: 600 });
    const login = () => tessera.tokens.obtainPair({ username: 'ann', password: PASSWORD });
    const old = await login(); // used every 500 s, but past its absolute lifetime at the end
    let kept = old.refresh;
    let idle = old;
    for (let i = 0; i < 7; i++) {
      clock.advance(500);
      kept = (await tessera.tokens.refresh(kept)).refresh!;
      if (i === 1) idle = await login(); // at 1000 s, never used again
    }
    const live = await login();
    clock.advance(101); // 3601 s after the first login (used 101 s ago), 2601 s after the idle one
    assert.equal((await tessera.maintenance.flushExpiredTokens()).endedSessions, 2);

    const reasonOf = async (token: string) => (await tessera.store.families.find(famOf(token)))?.revokedReason ?? null;
    assert.deepEqual([await reasonOf(old.refresh), await reasonOf(idle.refresh), await reasonOf(live.refresh)], ['expired', 'idle', null]);
    assert.deepEqual((await endings(tessera)).map((detail) => detail.reason).sort(), ['expired', 'idle']);
    const listed = await tessera.store.families.listEnded((await tessera.store.users.findByUsername('ann'))!.id, new Date(0));
    assert.equal(listed.length, 2, 'both are in the ended list');

    assert.equal((await tessera.maintenance.flushExpiredTokens()).endedSessions, 0, 'a second run ends nothing');
    assert.equal((await endings(tessera)).length, 2, 'and audits nothing');
    await assert.rejects(tessera.tokens.refresh(idle.refresh), (error: unknown) => error instanceof SessionEnded && error.reason === 'idle');
    await assert.rejects(tessera.tokens.refresh(kept), (error: unknown) => error instanceof SessionEnded && error.reason === 'expired');
    assert.equal((await endings(tessera)).length, 2, 'a refresh of an ended session audits nothing more');
    await tessera.tokens.refresh(live.refresh);
  });

  test('without a session policy nothing ends, however old', async () => {
    const { tessera, clock } = await core({});
    await tessera.tokens.obtainPair({ username: 'ann', password: PASSWORD });
    clock.advance(365 * 86400);
    assert.equal((await tessera.maintenance.flushExpiredTokens()).endedSessions, 0);
    assert.deepEqual(await endings(tessera), []);
  });

  test('a backlog is ended in batches, and two parallel runs end and audit each session once', async () => {
    const { tessera, clock, user, another } = await core({ sessionIdleTimeout: 600 });
    const count = 1_234; // more than two batches of 500
    const at = new Date(clock.now);
    for (let i = 0; i < count; i++) {
      await tessera.store.families.create({ family: `idle-${String(i).padStart(5, '0')}`, userId: user.id, deviceName: '', userAgent: '', ip: '', at });
    }
    const live = await tessera.tokens.obtainPair({ username: 'ann', password: PASSWORD });
    clock.advance(300);
    await tessera.tokens.refresh(live.refresh); // used 300 s before the runs: stays
    clock.advance(300);
    const twin = another();
    const [first, second] = await Promise.all([tessera.maintenance.flushExpiredTokens(), twin.maintenance.flushExpiredTokens()]);
    assert.equal(first.endedSessions + second.endedSessions, count, `${first.endedSessions} + ${second.endedSessions}`);
    const audited = await endings(tessera);
    await twin.audit.flush();
    const all = await endings(tessera);
    assert.ok(all.length >= audited.length);
    assert.equal(all.length, count, 'one session_ended event per session');
    assert.equal(new Set(all.map((detail) => detail.session)).size, count, 'no session audited twice');
    assert.ok(all.every((detail) => detail.reason === 'idle'));
    assert.equal((await tessera.store.families.liveFamilies(user.id)).length, 1, 'the session in use stays live');
  });
});
