import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../support/server.js';
import { decodeQuotedPrintable, nthMessage, startSmtp } from '../support/smtp.js';

const PUBLIC_URL = 'https://app.example.com';

/** uid and token of a djoser link (`#/activate/...` or `#/password/reset/confirm/...`). */
function djoserLink(raw: string, path: string): { uid: string; token: string } {
  const match = new RegExp(`#/${path}/([A-Za-z0-9_-]+)/([0-9a-z]+-[0-9a-f]+)`).exec(decodeQuotedPrintable(raw));
  assert.ok(match, `no ${path} link in the message`);
  return { uid: match[1]!, token: match[2]! };
}

describe('account flows end to end through a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let server: TestServer;
  before(async () => {
    smtp = await startSmtp();
    server = await startServer({ emailUrl: `smtp://mailer:s3cret@127.0.0.1:${smtp.port}`, publicUrl: PUBLIC_URL });
  });
  after(async () => {
    await server.close();
    await smtp.close();
  });

  test('djoser: register, activate from the mailed link, sign in, reset the password from the mailed link', async () => {
    const registered = await server.post('/auth/users/', { username: 'alice', email: 'alice@example.com', password: 'kelp-forest-91' });
    assert.equal(registered.status, 201);
    assert.equal((await server.post('/auth/jwt/create/', { username: 'alice', password: 'kelp-forest-91' })).status, 401);

    const activation = await nthMessage(smtp.received, 1);
    assert.deepEqual(activation.to, ['alice@example.com']);
    assert.equal(activation.user, 'mailer');
    assert.equal((await server.post('/auth/users/activation/', djoserLink(activation.raw, 'activate'))).status, 204);
    assert.equal((await server.post('/auth/jwt/create/', { username: 'alice', password: 'kelp-forest-91' })).status, 200);

    assert.equal((await server.post('/auth/users/reset_password/', { email: 'alice@example.com' })).status, 204);
    const reset = await nthMessage(smtp.received, 2);
    const link = djoserLink(reset.raw, 'password/reset/confirm');
    const confirmed = await server.post('/auth/users/reset_password_confirm/', { ...link, new_password: 'tidal-basin-73' });
    assert.equal(confirmed.status, 204);
    assert.equal((await server.post('/auth/jwt/create/', { username: 'alice', password: 'kelp-forest-91' })).status, 401);
    assert.equal((await server.post('/auth/jwt/create/', { username: 'alice', password: 'tidal-basin-73' })).status, 200);
    // The reset link is single use: the password it was made for is gone.
    assert.equal((await server.post('/auth/users/reset_password_confirm/', { ...link, new_password: 'other-pass-55' })).status, 400);

    const changed = await nthMessage(smtp.received, 3);
    assert.deepEqual(changed.to, ['alice@example.com']);
  });

  test('seed 003: with SMTP configured the activation link is only mailed', async () => {
    const before = smtp.received.length;
    const registered = await server.post('/api-register/', { username: 'bob', password: 'kelp-forest-92', email: 'bob@example.com' });
    assert.equal(registered.status, 201);
    assert.deepEqual(registered.json, { detail: 'Activation link sent to bob@example.com.' });
    assert.ok(!registered.text.includes('api-activate'));
    const message = await nthMessage(smtp.received, before + 1);
    assert.deepEqual(message.to, ['bob@example.com']);
    const url = /https?:\/\/\S+\/api-activate\/[\w.-]+\//.exec(decodeQuotedPrintable(message.raw))?.[0];
    assert.ok(url, 'no activation URL in the message');
    const path = new URL(url).pathname;
    const activated = await server.get(path);
    assert.equal(activated.status, 200);
    assert.deepEqual(activated.json, ['User Activated']);
  });
});
