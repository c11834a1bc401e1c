import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createPasswordHashers } from '../../src/crypto/index.js';
import { CONSOLE_BUILD_DIR } from '../../src/server/console.js';
import { startServer, type TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'console-pass-4821';
const required = process.env.TESSERA_REQUIRE_SERVICES === '1';
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed (apt-get install chromium)`
  : !existsSync(`${CONSOLE_BUILD_DIR}/index.html`) ? 'the console is not built (npx vite build --config web/vite.config.ts)' : false;
if (skip && required) throw new Error(`the console email-login tests cannot run: ${skip}`);
if (skip) console.log(`console email-login tests skipped: ${skip}`);

describe("the console with loginField: 'email' (Debian chromium)", { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  const pageErrors: string[] = [];

  const open = async (): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  };

  before(async () => {
    server = await startServer({ loginField: 'email' });
    server.clock.now = Date.now();
    await server.store.users.create({ username: 'ann', email: 'Ann@Example.com', password: await createPasswordHashers().hash(PASSWORD) });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('sign-in asks for the email and takes it in any case', async () => {
    const page = await open();
    await page.goto(`${server.url}/console/#/signin`);
    await page.getByLabel('Email').fill('ann@EXAMPLE.com');
    assert.equal(await page.getByLabel('Username').count(), 0);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });

  test('registration needs no username, and a taken email is the field error', async () => {
    const page = await open();
    await page.goto(`${server.url}/console/#/register`);
    await page.getByLabel('Email').fill('new.person@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('We sent an activation link to').waitFor();
    assert.equal((await server.store.users.findByLoginEmail('new.person@example.com'))?.username, 'new.person@example.com');

    const again = await open();
    await again.goto(`${server.url}/console/#/register`);
    await again.getByLabel('Email').fill('ANN@example.com');
    await again.getByLabel('Password').fill(PASSWORD);
    await again.getByRole('button', { name: 'Create account' }).click();
    await again.getByText('user with this email address already exists.').waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
