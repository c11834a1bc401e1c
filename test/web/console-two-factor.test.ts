import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { totpCode } from '../support/totp.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'console-pass-4821';
const required = process.env.TESSERA_REQUIRE_SERVICES === '1';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (skip && required) throw new Error(`the console tests need ${CHROMIUM} (TESSERA_REQUIRE_SERVICES=1)`);
if (skip) console.log(`console two-factor tests skipped: ${skip}`);

describe('the console\'s two-factor page and sign-in code step in a real browser (Debian chromium)', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  const open = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
    return page;
  };
  const passwordStep = async (page: Page, username: string) => {
    await page.goto(`${server.url}/console/#/signin`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  before(async () => {
    // The console test builds the console when a fresh tree has none; this one runs after a build.
    server = await startServer({ throttleEnabled: false, twoFactorRequiredForStaff: true });
    server.clock.now = Date.now();
    await server.createUser('tess', PASSWORD, { isStaff: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('staff without a second factor are told why the staff pages are closed; they enroll (QR code, confirm, recovery codes), sign out, and sign in with a code', async () => {
    const page = await open();
    await passwordStep(page, 'tess');
    await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
    await page.getByTestId('two-factor-required').waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Staff' }).count(), 0, 'no staff pages yet');

    await page.getByTestId('two-factor-required').getByRole('link', { name: 'turn it on' }).click();
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
    await page.getByTestId('two-factor-needed').waitFor();
    await page.getByTestId('start-two-factor').click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is drawn');
    await page.getByLabel('Code from the app').fill('000000' === totpCode(secret, server.clock.now) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Invalid code.').first().waitFor();
    await page.getByLabel('Code from the app').fill(totpCode(secret, server.clock.now));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    assert.equal(await page.getByTestId('recovery-codes').locator('li').count(), 10);
    await page.getByText('10 recovery codes left').waitFor();
    // Enrolled: the staff pages open.
    await page.getByRole('navigation', { name: 'Staff' }).waitFor();
    assert.equal(await page.getByTestId('two-factor-required').count(), 0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    server.clock.advance(30);
    await passwordStep(page, 'tess');
    await page.getByTestId('second-factor').waitFor();
    await page.getByLabel('Code').fill(totpCode(secret, server.clock.now));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
    assert.equal(await page.getByTestId('username').textContent(), 'tess');
    await page.getByRole('navigation', { name: 'Staff' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
