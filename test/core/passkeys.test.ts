import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuthenticationFailed, InvalidInput, type User } from '../../src/index.js';
import { openTestCore, type TestCore } from '../support/core.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

describe('tessera.passkeys without a framework: challenges shared through the database, good once', () => {
  let core: TestCore;
  let user: User;
  let authenticator: SoftAuthenticator;
  before(async () => {
    core = await openTestCore({ tokenFamilies: true }, 'passkeys');
    user = await core.tessera.users.create({ username: 'ann', password: 'tessera-pass-42' });
    authenticator = new SoftAuthenticator(core.settings.webauthnOrigins[0]!, core.settings.webauthnRpId);
  });
  after(() => core.close());

  test('options from one process, the answer at another: registered and signed in there, once', async () => {
    const other = core.another();
    await other.ready();
    const creation = await core.tessera.passkeys.registrationOptions(user);
    const passkey = await other.passkeys.register(user, authenticator.create(creation as never), 'Laptop');
    assert.equal(passkey.name, 'Laptop');
    assert.deepEqual((await core.tessera.passkeys.list(user.id)).map((p) => p.id), [passkey.id]);

    const request = await other.passkeys.authenticationOptions();
    const assertion = authenticator.get(request);
    let signedIn: User | null = null;
    const pair = await core.tessera.passkeys.authenticate(assertion, { deviceName: 'laptop' }, (who) => { signedIn = who; });
    assert.equal(signedIn!.id, user.id);
    await core.tessera.tokens.verify(pair.access);
    await assert.rejects(other.passkeys.authenticate(assertion), (error: unknown) => error instanceof AuthenticationFailed && error.code === 'passkey_not_valid');
  });

  test('a challenge lives five minutes by the injected clock', async () => {
    const onTime = await core.tessera.passkeys.authenticationOptions();
    const late = await core.tessera.passkeys.authenticationOptions();
    core.clock.advance(299);
    await core.tessera.passkeys.authenticate(authenticator.get(onTime));
    core.clock.advance(1);
    await assert.rejects(core.tessera.passkeys.authenticate(authenticator.get(late)), (error: unknown) => error instanceof AuthenticationFailed);
    const creation = await core.tessera.passkeys.registrationOptions(user);
    core.clock.advance(300);
    await assert.rejects(core.tessera.passkeys.register(user, authenticator.create(creation as never), null),
      (error: unknown) => error instanceof InvalidInput && error.code === 'passkey_not_valid');
  });

  test('remove: the passkey is gone, and removing it again (or another user\'s) is not found', async () => {
    const [passkey] = await core.tessera.passkeys.list(user.id);
    const bob = await core.tessera.users.create({ username: 'bob', password: 'tessera-pass-42' });
    await assert.rejects(core.tessera.passkeys.remove(bob, passkey!.id), { code: 'not_found' });
    await core.tessera.passkeys.remove(user, passkey!.id);
    await assert.rejects(core.tessera.passkeys.remove(user, passkey!.id), { code: 'not_found' });
    assert.deepEqual(await core.tessera.passkeys.list(user.id), []);
  });
});
