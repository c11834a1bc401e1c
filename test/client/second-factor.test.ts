import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isSecondFactorRequired, SecondFactorRequiredError, TesseraClient, TesseraHttpError } from '../../src/client/index.js';
import { browserLikeFetch, inspectableStorage } from '../support/client-fixtures.js';
import { startServer, type TestServer } from '../support/server.js';
import { enrollTotp, totpCode, type Enrolled } from '../support/totp.js';

const PASSWORD = 'Ab12345678';
const REFRESH_COOKIE = '__Host-tessera-refresh';

for (const cookies of [false, true]) {
  describe(`TesseraClient's second-factor step against a real server (${cookies ? 'cookie mode' : 'tokens in the body'})`, () => {
    let server: TestServer;
    let enrolled: Enrolled;
    before(async () => {
      server = await startServer({ throttleEnabled: false, ...(cookies ? { authCookies: 'refresh' as const } : {}) });
      await server.createUser('alice', PASSWORD);
      enrolled = await enrollTotp(server, (await server.login('alice', PASSWORD)).auth);
    });
    after(() => server.close());

    function clientFor() {
      const browser = browserLikeFetch();
      const storage = inspectableStorage();
      const client = new TesseraClient({
        baseUrl: server.url, fetch: browser.fetch, storage, cookies, csrfToken: () => browser.jar.get('csrftoken') ?? null, now: server.clock.read,
      });
      return { client, browser, storage };
    }

    test('login throws SecondFactorRequiredError and stores nothing; a wrong code may be retried; the right one signs in', async () => {
      const { client, browser, storage } = clientFor();
      await assert.rejects(client.login('alice', PASSWORD, { deviceName: 'laptop' }), (error: unknown) => {
        assert.ok(isSecondFactorRequired(error));
        assert.ok(error instanceof SecondFactorRequiredError);
        assert.deepEqual(error.methods, ['totp', 'recovery_code']);
        assert.equal(error.expiresIn, 300);
        return true;
      });
      assert.equal(client.awaitingSecondFactor, true);
      assert.deepEqual(storage.values(), { access: null, refresh: null });
      assert.equal(browser.jar.get(REFRESH_COOKIE), undefined, 'no cookie before the second factor');
      assert.equal(await client.isSignedIn(), false);

      const right = totpCode(enrolled.secret, server.clock.now);
      await assert.rejects(client.completeLogin(right === '000000' ? '111111' : '000000'), (error: unknown) => {
        assert.ok(error instanceof TesseraHttpError);
        assert.equal(error.status, 400);
        assert.deepEqual(error.body, { code: ['Invalid code.'] });
        return true;
      });
      assert.equal(client.awaitingSecondFactor, true, 'a wrong code may be tried again');
      await client.completeLogin(right);
      assert.equal(client.awaitingSecondFactor, false);
      assert.equal(await client.isSignedIn(), true);
      if (cookies) assert.ok(browser.jar.get(REFRESH_COOKIE), 'cookie mode: the refresh token in its cookie');
      else assert.ok(storage.values().refresh);
      const me = await client.request<{ username: string }>('GET', '/api/user/');
      assert.equal(me.username, 'alice');
      server.clock.advance(30);
    });

    test('a recovery code finishes a login; a used challenge is 401 challenge_not_valid and must start over', async () => {
      const { client } = clientFor();
      await assert.rejects(client.login('alice', PASSWORD), SecondFactorRequiredError);
      await client.loginWithRecoveryCode(enrolled.recoveryCodes[cookies ? 1 : 0]!);
      assert.equal(await client.isSignedIn(), true);
      await assert.rejects(client.completeLogin('123456'), /No login is waiting/);

      const other = clientFor().client;
      await assert.rejects(other.login('alice', PASSWORD), SecondFactorRequiredError);
      server.clock.advance(300);
      await assert.rejects(other.completeLogin(totpCode(enrolled.secret, server.clock.now)), (error: unknown) => {
        assert.ok(error instanceof TesseraHttpError);
        assert.equal(error.status, 401);
        assert.equal(error.code, 'challenge_not_valid');
        return true;
      });
      assert.equal(other.awaitingSecondFactor, false, 'an expired challenge is forgotten');
    });

    test('reauthenticateWithCode: fresh tokens with a code instead of the password', async () => {
      const { client, storage } = clientFor();
      server.clock.advance(30);
      await assert.rejects(client.login('alice', PASSWORD), SecondFactorRequiredError);
      await client.completeLogin(totpCode(enrolled.secret, server.clock.now));
      server.clock.advance(700);
      const before = storage.values().access;
      await client.reauthenticateWithCode(totpCode(enrolled.secret, server.clock.now));
      assert.notEqual(storage.values().access, before);
      await client.request('POST', '/api/2fa/recovery-codes/', {});
    });
  });
}
