import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'passkey-pass-4821';
const required = process.env.TESSERA_REQUIRE_SERVICES === '1';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (skip && required) throw new Error(`the passkey browser tests need ${CHROMIUM} (TESSERA_REQUIRE_SERVICES=1)`);
if (skip) console.log(`passkey browser tests skipped: ${skip}`);

/** A free port, so the server's default WebAuthn origin (http://localhost:PORT) is the page's. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The real ceremony: the built console (test/web/console.test.ts builds it when missing; rebuild
 * after changing web/src), @simplewebauthn/browser in Chromium, and Chromium's own virtual
 * authenticator (CTAP2, internal, resident keys, user verification) through the DevTools
 * protocol: no mock of the browser, the authenticator or the WebAuthn library.
 */
describe('passkeys in a real browser: register in the console, sign out, sign in with the passkey', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let devtools: CDPSession;
  let origin: string;
  let authenticatorId: string;
  const pageErrors: string[] = [];
  const status = () => page.getByRole('status');

  before(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false, port }, { port });
    assert.deepEqual(server.settings.webauthnOrigins, [origin], 'the default relying party: localhost and this port');
    server.clock.now = Date.now(); // The browser's clock is real.
    await server.createUser('pat', PASSWORD);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
    devtools = await context.newCDPSession(page);
    await devtools.send('WebAuthn.enable', { enableUI: false });
    ({ authenticatorId } = await devtools.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
      },
    }));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const signInWithPassword = async () => {
    await page.goto(`${origin}/console/#/signin`);
    await page.getByLabel('Username').fill('pat');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  };

  test('add a passkey on the Account page: the authenticator holds a resident credential, the server its public key', async () => {
    await signInWithPassword();
    await page.goto(`${origin}/console/#/account`);
    await page.getByRole('heading', { level: 2, name: 'Passkeys' }).waitFor();
    await page.getByText('No passkeys yet.').waitFor();
    await page.getByLabel('Passkey name (optional)').fill('Virtual laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await status().getByText('Passkey "Virtual laptop" added.').waitFor();
    await page.getByTestId('passkeys').getByRole('rowheader', { name: /Virtual laptop/ }).waitFor();

    const { credentials } = await devtools.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]!.isResidentCredential, true, 'a discoverable passkey');
    assert.equal(credentials[0]!.rpId, 'localhost');
    const pat = await server.store.users.findByUsername('pat');
    const stored = await server.store.passkeys.listForUser(pat!.id);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.credentialId, Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url'));
    assert.deepEqual(stored[0]!.transports, ['internal']);
  });

  test('sign out, then "Use a passkey" signs in, and "Your sessions" shows the new session as this device', async () => {
    await signOut();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
    await status().getByText('Signed in as pat.').waitFor();
    const current = page.getByRole('row').filter({ hasText: 'This device' });
    await current.waitFor();
    assert.match(await current.innerText(), /Chromium on Linux \(console\)/);

    const pat = await server.store.users.findByUsername('pat');
    const [passkey] = await server.store.passkeys.listForUser(pat!.id);
    assert.ok(passkey!.lastUsedAt, 'the sign-in was recorded on the passkey');
    const { credentials } = await devtools.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(passkey!.counter, credentials[0]!.signCount, 'the counter the authenticator signed');
    await server.tessera.audit.flush();
    const events = await server.tessera.audit.list({ username: 'pat' });
    assert.ok(events.some((e) => e.type === 'login_succeeded' && e.detail.path === '/api/token/passkey/'));
    assert.ok(events.some((e) => e.type === 'passkey_added'));
  });

  test('remove the passkey: gone from the list, and the authenticator\'s credential no longer signs in', async () => {
    await page.goto(`${origin}/console/#/account`);
    await page.getByRole('button', { name: 'Remove passkey Virtual laptop' }).click();
    await status().getByText('Passkey "Virtual laptop" removed.').waitFor();
    await page.getByText('No passkeys yet.').waitFor();
    await signOut();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await status().getByText('This passkey was not accepted. Try again, or sign in with your password.').waitFor();
    assert.match(page.url(), /#\/signin$/);
  });

  test('no page error and no CSP violation along the way', () => {
    assert.deepEqual(pageErrors, []);
  });
});
