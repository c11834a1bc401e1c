import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { allOf, Fresh, IsAdminUser, IsAuthenticated, REAUTHENTICATION_REQUIRED } from '../../src/auth/index.js';
import { JwtCodec } from '../../src/crypto/index.js';
import { DEFAULT_SETTINGS } from '../../src/settings/index.js';
import type { Store, User } from '../../src/store/index.js';
import { AccessToken, RefreshToken, type TokenContext } from '../../src/tokens/index.js';
import { temporaryStore } from '../store/helpers.js';
import { TEST_SIGNING_KEY, TestClock } from '../support/server.js';

describe('Fresh(seconds): a login (auth_time) at most that old, by the tokens\' clock', () => {
  let dispose: () => Promise<void>;
  let store: Store;
  let user: User;
  const clock = new TestClock();
  const codec = new JwtCodec({ algorithm: 'HS256', signingKey: TEST_SIGNING_KEY, audience: null, issuer: null, leeway: 0, clock: clock.read });
  const context = (): TokenContext => ({ settings: DEFAULT_SETTINGS, codec, clock: clock.read, blacklist: store.tokens });
  before(async () => {
    ({ store, dispose } = await temporaryStore());
    user = await store.users.create({ username: 'alice', password: '!unusable' });
  });
  after(async () => dispose());

  test('fresh up to and including `seconds`, stale one second later; a refreshed access token keeps the login\'s time', async () => {
    const refresh = await RefreshToken.forUser(context(), user);
    const fresh = Fresh(60);
    const asked = (token: AccessToken) => ({ method: 'POST', user, token });
    assert.equal(fresh.hasPermission(asked(refresh.accessToken)), true);
    clock.advance(60);
    const later = await RefreshToken.fromString(context(), refresh.toString());
    assert.equal(later.accessToken.get('auth_time'), refresh.get('auth_time'));
    assert.equal(fresh.hasPermission(asked(later.accessToken)), true, 'exactly 60 s');
    clock.advance(1);
    assert.equal(fresh.hasPermission(asked(later.accessToken)), false);
    assert.equal(fresh.code, REAUTHENTICATION_REQUIRED);
  });

  test('no user, no token, or a token without a numeric auth_time: not fresh', () => {
    const bare = new AccessToken(context());
    assert.equal(Fresh(60).hasPermission({ method: 'POST', user, token: bare }), false, 'no auth_time');
    bare.set('auth_time', String(Math.floor(clock.now / 1000)));
    assert.equal(Fresh(60).hasPermission({ method: 'POST', user, token: bare }), false, 'a string is no time');
    assert.equal(Fresh(60).hasPermission({ method: 'POST', user, token: null }), false, 'session, knox and DRF tokens carry none');
    assert.equal(Fresh(60).hasPermission({ method: 'POST', user: null, token: null }), false);
  });

  test('a seconds that is not a positive number is a programming error, said at once', () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => Fresh(bad), /seconds must be a positive number/, String(bad));
  });

  test('allOf: every one must pass, and the first that fails is the one whose message and code answer', async () => {
    const refresh = await RefreshToken.forUser(context(), user);
    const token = refresh.accessToken;
    clock.advance(3600);
    const both = allOf(IsAuthenticated, Fresh(60));
    assert.equal(both.hasPermission({ method: 'GET', user, token }), false);
    assert.equal(both.failing?.({ method: 'GET', user, token })?.code, REAUTHENTICATION_REQUIRED);
    const staffFirst = allOf(IsAdminUser, Fresh(60));
    assert.equal(staffFirst.failing?.({ method: 'GET', user, token })?.name, 'IsAdminUser');
  });
});
