import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JwtCodec } from '../../src/crypto/index.js';
import { DEFAULT_SETTINGS } from '../../src/settings/index.js';
import type { Store, User } from '../../src/store/index.js';
import {
  AccessToken, RefreshToken, TokenError, UntypedToken, blacklistToken, issuePair, refreshPair, type TokenContext,
} from '../../src/tokens/index.js';
import { temporaryStore } from '../store/helpers.js';
import { TEST_SIGNING_KEY, TestClock, decodeJwt } from '../support/server.js';

describe('tokens (Simple JWT tokens.py)', () => {
  let dispose: () => Promise<void>;
  let store: Store;
  let user: User;
  const clock = new TestClock();
  const codec = new JwtCodec({ algorithm: 'HS256', signingKey: TEST_SIGNING_KEY, audience: null, issuer: null, leeway: 0, clock: clock.read });
  const context = (changes: Partial<TokenContext['settings']> = {}): TokenContext => ({
    settings: { ...DEFAULT_SETTINGS, ...changes }, codec, clock: clock.read, blacklist: store.tokens,
  });

  before(async () => {
    ({ store, dispose } = await temporaryStore());
    user = await store.users.create({ username: 'alice', password: '!unusable' });
  });
  after(async () => dispose());

  test('the codec remembers presented access tokens as verified, never refresh tokens (each presented once)', async () => {
    const own = new JwtCodec({ algorithm: 'HS256', signingKey: TEST_SIGNING_KEY, audience: null, issuer: null, leeway: 0, clock: clock.read });
    const ctx = { ...context(), codec: own };
    const remembered = () => (own as unknown as { verified: { entries: Map<string, unknown> } }).verified.entries;
    const refresh = await RefreshToken.forUser(ctx, user);
    await RefreshToken.fromString(ctx, refresh.toString());
    assert.equal(remembered().size, 0);
    const access = refresh.accessToken.toString();
    await AccessToken.fromString(ctx, access);
    assert.deepEqual([...remembered().keys()], [access]);
  });

  test('a new access token has type, exp, iat and a 32-hex jti, in that order', () => {
    const token = new AccessToken(context());
    const now = Math.floor(clock.now / 1000);
    assert.deepEqual(Object.keys(token.payload), ['token_type', 'exp', 'iat', 'jti']);
    assert.equal(token.payload.exp, now + 300);
    assert.match(token.jti, /^[0-9a-f]{32}$/);
  });

  test('RefreshToken.forUser records an outstanding token; accessToken copies custom claims', async () => {
    const ctx = { ...context(), customClaims: (u: User) => ({ is_admin: u.isStaff, username: u.username }) };
    const refresh = await RefreshToken.forUser(ctx, user);
    const access = refresh.accessToken;
    assert.equal(access.get('is_admin'), false);
    assert.equal(access.get('username'), 'alice');
    assert.equal(access.get('user_id'), user.id);
    assert.notEqual(access.jti, refresh.jti);
    assert.equal(access.exp, refresh.currentTime + 300);
    const rows = await store.database.db.selectFrom('token_blacklist_outstandingtoken').selectAll().where('jti', '=', refresh.jti).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.user_id, user.id);
  });

  test('fromString verifies type, expiry with the injected clock, and the blacklist', async () => {
    const ctx = context();
    const refresh = await RefreshToken.forUser(ctx, user);
    const text = refresh.toString();
    await assert.rejects(AccessToken.fromString(ctx, text), new TokenError('Token has wrong type'));
    assert.equal((await UntypedToken.fromString(ctx, text)).jti, refresh.jti);
    const access = refresh.accessToken.toString();
    clock.advance(299);
    await AccessToken.fromString(ctx, access);
    clock.advance(1);
    await assert.rejects(AccessToken.fromString(ctx, access), new TokenError('Token is invalid or expired'));
    await blacklistToken(ctx, text);
    await assert.rejects(RefreshToken.fromString(ctx, text), new TokenError('Token is blacklisted'));
  });

  test('leeway lets a just-expired token through', async () => {
    const lenient = new JwtCodec({ algorithm: 'HS256', signingKey: TEST_SIGNING_KEY, audience: null, issuer: null, leeway: 30, clock: clock.read });
    const ctx = { ...context({ leeway: 30 }), codec: lenient };
    const access = new AccessToken(ctx).toString();
    clock.advance(310);
    await AccessToken.fromString(ctx, access);
    clock.advance(30);
    await assert.rejects(AccessToken.fromString(ctx, access), TokenError);
  });

  test('missing type or id claims give Simple JWT messages', async () => {
    const ctx = context();
    const now = Math.floor(clock.now / 1000);
    await assert.rejects(AccessToken.fromString(ctx, codec.encode({ exp: now + 60, jti: 'x', user_id: 1 })), new TokenError('Token has no type'));
    await assert.rejects(AccessToken.fromString(ctx, codec.encode({ token_type: 'access', exp: now + 60 })), new TokenError('Token has no id'));
    await assert.rejects(AccessToken.fromString(ctx, codec.encode({ token_type: 'access', jti: 'x' })), new TokenError("Token has no 'exp' claim"));
  });

  test('refresh without rotation returns only an access token', async () => {
    const pair = await issuePair(context(), user);
    const answer = await refreshPair(context(), store.users, pair.refresh);
    assert.deepEqual(Object.keys(answer), ['access']);
    assert.equal(decodeJwt(answer.access).claims.token_type, 'access');
  });

  test('rotation with blacklist-after-rotation: one successor, the old token refused', async () => {
    const ctx = context({ rotateRefreshTokens: true, blacklistAfterRotation: true });
    const pair = await issuePair(ctx, user);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => refreshPair(ctx, store.users, pair.refresh)));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results) if (r.status === 'rejected') assert.deepEqual(r.reason, new TokenError('Token is blacklisted'));
    const successor = (won[0] as PromiseFulfilledResult<{ refresh?: string }>).value.refresh!;
    assert.notEqual(decodeJwt(successor).claims.jti, decodeJwt(pair.refresh).claims.jti);
    await RefreshToken.fromString(ctx, successor);
  });

  test('a token signed with another key or algorithm is invalid', async () => {
    const other = new JwtCodec({ algorithm: 'HS512', signingKey: TEST_SIGNING_KEY, audience: null, issuer: null, leeway: 0, clock: clock.read });
    const ctx = context();
    await assert.rejects(AccessToken.fromString(ctx, new AccessToken({ ...ctx, codec: other }).toString()), new TokenError('Token is invalid or expired'));
    const forged = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(new AccessToken(ctx).payload)).toString('base64url')}.`;
    await assert.rejects(AccessToken.fromString(ctx, forged), new TokenError('Token is invalid or expired'));
  });
});
