import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { PermissionDenied, SessionEnded, TokenError, type Settings, type Tessera } from '../../src/index.js';
import { openTestCore, type TestCore } from '../support/core.js';

const PASSWORD = 'Ab12345678';
const credentials = (username: string) => ({ username, password: PASSWORD });
const famOf = (token: string) => String(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).fam);

/** The session use cases as plain functions, on the engine of the run, with the injected clock. */
describe('session policy in the core: obtainPair, refresh, sessions.start and endAll', () => {
  const opened: TestCore[] = [];
  after(async () => {
    for (const core of opened) await core.close();
  });

  /** A core with sessions rotating and blacklisting, and `users` (password PASSWORD). */
  async function core(overrides: Partial<Settings>, ...users: string[]) {
    const opening = await openTestCore({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, ...overrides }, 'session-policy');
    opened.push(opening);
    const { tessera, clock } = opening;
    for (const username of users) await tessera.users.create({ username, email: `${username}@example.com`, password: PASSWORD });
    return { tessera, clock };
  }

  /** The reasons of the `session_ended` audit events, in order. */
  async function endings(tessera: Tessera): Promise<unknown[]> {
    await tessera.audit.flush();
    return (await tessera.audit.list({ type: 'session_ended' })).reverse().map((event) => event.detail.reason);
  }

  test('refresh past sessionAbsoluteLifetime throws SessionEnded (reason expired) and ends the session once', async () => {
    const { tessera, clock } = await core({ sessionAbsoluteLifetime: 120 }, 'ann');
    const pair = await tessera.tokens.obtainPair(credentials('ann'));
    clock.advance(60);
    const { refresh } = await tessera.tokens.refresh(pair.refresh);
    clock.advance(60);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(tessera.tokens.refresh(refresh!), (error: unknown) =>
        error instanceof SessionEnded && error.reason === 'expired' && error.code === 'token_not_valid' && error.message === 'Session has expired');
    }
    assert.equal((await tessera.store.families.find(famOf(pair.refresh)))?.revokedReason, 'expired');
    assert.deepEqual(await endings(tessera), ['expired']);
  });

  test('refresh after sessionIdleTimeout without use throws SessionEnded (reason idle)', async () => {
    const { tessera, clock } = await core({ sessionIdleTimeout: 300, rotateRefreshTokens: false, blacklistAfterRotation: false }, 'ben');
    const pair = await tessera.tokens.obtainPair(credentials('ben'));
    clock.advance(299);
    await tessera.tokens.refresh(pair.refresh);
    clock.advance(299);
    await tessera.tokens.refresh(pair.refresh);
    clock.advance(300);
    await assert.rejects(tessera.tokens.refresh(pair.refresh), (error: unknown) => error instanceof SessionEnded && error.reason === 'idle');
    assert.deepEqual(await endings(tessera), ['idle']);
  });

  test('sessionsPerUser evict: the oldest ends (evicted); refuse: PermissionDenied session_limit_reached, and sessions.start is what decides', async () => {
    const evicting = await core({ sessionsPerUser: 1 }, 'cat');
    const first = await evicting.tessera.tokens.obtainPair(credentials('cat'));
    const second = await evicting.tessera.tokens.obtainPair(credentials('cat'));
    await assert.rejects(evicting.tessera.tokens.refresh(first.refresh), (error: unknown) => error instanceof SessionEnded && error.reason === 'evicted');
    await evicting.tessera.tokens.refresh(second.refresh);
    assert.deepEqual(await endings(evicting.tessera), ['evicted']);

    const refusing = await core({ sessionsPerUser: 1, sessionLimitPolicy: 'refuse' }, 'dan');
    const only = await refusing.tessera.tokens.obtainPair(credentials('dan'));
    await assert.rejects(refusing.tessera.tokens.obtainPair(credentials('dan')), (error: unknown) =>
      error instanceof PermissionDenied && error.code === 'session_limit_reached');
    const user = await refusing.tessera.store.users.findByUsername('dan');
    await assert.rejects(
      refusing.tessera.sessions.start({ family: 'f'.repeat(32), userId: user!.id, deviceName: '', userAgent: '', ip: '', at: new Date(refusing.clock.now) }),
      { code: 'session_limit_reached' },
    );
    await refusing.tessera.tokens.refresh(only.refresh);
    assert.deepEqual(await endings(refusing.tessera), []);
  });

  test('every other ending keeps its reason: logout, password_changed, staff; their refresh stays Simple JWT\'s "Token is blacklisted"', async () => {
    const { tessera } = await core({}, 'eve');
    const user = (await tessera.store.users.findByUsername('eve'))!;
    const reasonOf = async (token: string) => (await tessera.store.families.find(famOf(token)))?.revokedReason;
    const loggedOut = await tessera.tokens.obtainPair(credentials('eve'));
    await tessera.sessions.endAll(user.id, { keep: { family: null } });
    const staff = await tessera.tokens.obtainPair(credentials('eve'));
    await tessera.sessions.endAll(user.id, { reason: 'staff', keep: { family: null } });
    const changed = await tessera.tokens.obtainPair(credentials('eve'));
    await tessera.users.changePassword(user, 'another-pass-42');
    assert.deepEqual([await reasonOf(loggedOut.refresh), await reasonOf(staff.refresh), await reasonOf(changed.refresh)], ['logout', 'staff', 'password_changed']);
    for (const pair of [loggedOut, staff, changed]) {
      await assert.rejects(tessera.tokens.refresh(pair.refresh), (error: unknown) => error instanceof TokenError && error.message === 'Token is blacklisted');
    }
    assert.deepEqual(await endings(tessera), ['logout', 'staff', 'password_changed']);
  });
});
