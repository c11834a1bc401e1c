import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer, type Answer } from '../support/server.js';

/** Unknown user, wrong password and inactive user (right password) must look the same. */
const CASES = {
  unknown: { username: 'no-such-user', password: 'member-password-1' },
  wrongPassword: { username: 'member', password: 'not-the-password' },
  inactive: { username: 'sleeper', password: 'sleeper-password-1' },
};

function shape(answer: Answer) {
  return { status: answer.status, body: answer.text, challenge: answer.headers.get('www-authenticate') };
}

describe('no account enumeration on the login views', () => {
  let server: TestServer;
  let basic: TestServer;
  before(async () => {
    server = await startServer();
    basic = await startServer({ authenticationClasses: ['basic'] });
    for (const s of [server, basic]) {
      await s.createUser('member', 'member-password-1');
      await s.createUser('sleeper', 'sleeper-password-1', { isActive: false });
    }
  });
  after(async () => {
    await server.close();
    await basic.close();
  });

  const views: [string, string, number, unknown][] = [
    ['Simple JWT', '/api/token/', 401, { detail: 'No active account found with the given credentials' }],
    ['djoser jwt/create', '/auth/jwt/create/', 401, { detail: 'No active account found with the given credentials' }],
    ['drf-jwt', '/api-token-auth/', 400, { non_field_errors: ['Unable to log in with provided credentials.'] }],
  ];
  for (const [name, path, status, body] of views) {
    test(`${name}: the same status and body for all three`, async () => {
      const answers = await Promise.all(Object.values(CASES).map((c) => server.post(path, c)));
      for (const answer of answers) {
        assert.equal(answer.status, status);
        assert.deepEqual(answer.json, body);
      }
      assert.deepEqual(shape(answers[1]!), shape(answers[0]!));
      assert.deepEqual(shape(answers[2]!), shape(answers[0]!));
      // The real account does log in, so the three failures are not an artefact of a broken view.
      assert.equal((await server.post(path, { username: 'member', password: 'member-password-1' })).status, 200);
    });
  }

  test('Basic authentication: the same status, body and challenge for all three', async () => {
    const answers = await Promise.all(Object.values(CASES).map(({ username, password }) =>
      basic.get('/api/user/', { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` })));
    for (const answer of answers) {
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.json, { detail: 'Invalid username/password.' });
      assert.equal(answer.headers.get('www-authenticate'), 'Basic realm="api"');
    }
    assert.deepEqual(shape(answers[1]!), shape(answers[0]!));
    assert.deepEqual(shape(answers[2]!), shape(answers[0]!));
    const ok = await basic.get('/api/user/', { authorization: `Basic ${Buffer.from('member:member-password-1').toString('base64')}` });
    assert.equal(ok.status, 200);
  });
});
