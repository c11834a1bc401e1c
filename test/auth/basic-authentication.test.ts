import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BasicAuthentication, decodeBasicCredentials } from '../../src/auth/index.js';
import { AuthenticationFailed } from '../../src/errors.js';
import type { Store } from '../../src/store/index.js';
import { addUser, basic, hashers, memoryStore } from './support.js';

describe('decodeBasicCredentials (Python base64 + split(":", 1))', () => {
  test('splits at the first colon only', () => {
    assert.deepEqual(decodeBasicCredentials(Buffer.from('ann:pa:ss').toString('base64')), { userid: 'ann', password: 'pa:ss' });
  });
  test('no colon is an error', () => {
    assert.equal(decodeBasicCredentials(Buffer.from('annpass').toString('base64')), null);
  });
  test('wrong padding is an error, as binascii.Error', () => {
    assert.equal(decodeBasicCredentials('YWJjOmQ'), null);
    assert.equal(decodeBasicCredentials('Y'), null);
  });
  test('characters outside the alphabet are skipped, as Python does', () => {
    assert.deepEqual(decodeBasicCredentials('YW*Jj#OmQ='), { userid: 'abc', password: 'd' });
  });
  test('UTF-8 credentials decode as UTF-8, others as latin-1', () => {
    assert.deepEqual(decodeBasicCredentials(Buffer.from('zoë:pässword', 'utf8').toString('base64')), { userid: 'zoë', password: 'pässword' });
    assert.deepEqual(decodeBasicCredentials(Buffer.from('zo\xeb:x', 'latin1').toString('base64')), { userid: 'zoë', password: 'x' });
  });
});

describe('BasicAuthentication', () => {
  let store: Store;
  let auth: BasicAuthentication;
  before(async () => {
    store = await memoryStore();
    auth = new BasicAuthentication({ users: store.users, hashers });
    await addUser(store, 'ann', 'right-password');
    await addUser(store, 'sleeper', 'right-password', false);
  });
  after(() => store.close());

  const failsWith = async (authorization: string, message: string) => {
    await assert.rejects(auth.authenticate({ method: 'GET', headers: { authorization } }), (error: unknown) => {
      assert.ok(error instanceof AuthenticationFailed);
      assert.equal(error.message, message);
      return true;
    });
  };

  test('right credentials give the user and no token', async () => {
    const result = await auth.authenticate({ method: 'GET', headers: { authorization: basic('ann:right-password') } });
    assert.equal(result?.user.username, 'ann');
    assert.equal(result?.token, null);
  });
  test('the scheme is case-insensitive', async () => {
    const header = basic('ann:right-password').replace('Basic', 'bAsIc');
    assert.equal((await auth.authenticate({ method: 'GET', headers: { authorization: header } }))?.user.username, 'ann');
  });
  test('other schemes and no header are not this class\'s business', async () => {
    assert.equal(await auth.authenticate({ method: 'GET', headers: {} }), null);
    assert.equal(await auth.authenticate({ method: 'GET', headers: { authorization: 'Bearer abc' } }), null);
    assert.equal(await auth.authenticate({ method: 'GET', headers: { authorization: 'Basicx abc' } }), null);
  });
  test('DRF\'s messages, word for word', async () => {
    await failsWith('Basic', 'Invalid basic header. No credentials provided.');
    await failsWith('Basic a b', 'Invalid basic header. Credentials string should not contain spaces.');
    await failsWith('Basic YWJj', 'Invalid basic header. Credentials not correctly base64 encoded.');
    await failsWith('Basic YWJjOmQ', 'Invalid basic header. Credentials not correctly base64 encoded.');
    await failsWith(basic('ann:wrong'), 'Invalid username/password.');
    await failsWith(basic('nobody:right-password'), 'Invalid username/password.');
  });
  test('an inactive user is refused even with the right password (Django\'s ModelBackend)', async () => {
    await failsWith(basic('sleeper:right-password'), 'Invalid username/password.');
  });
  test('the challenge', () => {
    assert.equal(auth.authenticateHeader(), 'Basic realm="api"');
  });
});
