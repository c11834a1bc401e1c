// `npm run screenshots`: the console's main pages at 1280x800 into docs/screenshots/, from a
// throwaway server with a few users, sessions and events. Needs the console built
// (`npm run build`) and Debian's chromium at /usr/bin/chromium (or CHROMIUM=path).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { createPasswordHashers } from '../src/crypto/index.js';
import { buildServer } from '../src/server/index.js';
import { loadSettings } from '../src/settings/index.js';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const PASSWORD = 'screenshot-pass-42';
const dir = mkdtempSync(join(tmpdir(), 'tessera-screenshots-'));
const settings = loadSettings({
  cwd: dir,
  overrides: { dataDir: dir, logLevel: 'silent', tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, emailUrl: `file:${join(dir, 'mail')}` },
});
const { app, store } = await buildServer({ settings, logger: false });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  const hashers = createPasswordHashers();
  const people = [
    { username: 'alice', first: 'Alice', last: 'Rahman' },
    { username: 'root', first: 'Site', last: 'Admin', isStaff: true, isSuperuser: true },
    { username: 'bob', first: 'Bob', last: 'Hossain' },
    { username: 'carol', first: 'Carol', last: 'Ahmed', isActive: false },
  ];
  for (const person of people) {
    await store.users.create({
      username: person.username, password: await hashers.hash(PASSWORD), email: `${person.username}@example.com`,
      firstName: person.first, lastName: person.last,
      isStaff: person.isStaff ?? false, isSuperuser: person.isSuperuser ?? false, isActive: person.isActive ?? true,
    });
  }
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  // Other devices, and a few events for the audit log.
  await post('/api/token/', { username: 'alice', password: PASSWORD, device_name: 'Pixel 8 (tessera app)' }, { 'user-agent': 'okhttp/4.12' });
  await post('/api/token/', { username: 'alice', password: PASSWORD, device_name: 'Work laptop — Firefox' });
  await post('/api/token/', { username: 'bob', password: 'not-his-password' }, { 'user-agent': 'curl/8.5.0' });
  await post('/api/token/', { username: 'bob', password: PASSWORD });
  const rootTokens = (await (await post('/api/token/', { username: 'root', password: PASSWORD })).json()) as { access: string };
  for (const [name, roll, city] of [['Rahim', 7, 'Dhaka'], ['Karim', 12, 'Chittagong'], ['Nadia', 3, 'Sylhet']] as const) {
    await post('/studentapi/', { name, roll, city }, { authorization: `Bearer ${rootTokens.access}` });
  }

  mkdirSync(OUT, { recursive: true });
  const shoot = async (name: string, setUp: (page: Page) => Promise<void>) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    await setUp(page);
    // Let the status line and focus ring settle, then drop focus so no ring shows.
    await page.waitForTimeout(300);
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.screenshot({ path: join(OUT, `${name}.png`) });
    await context.close();
    console.log(`docs/screenshots/${name}.png`);
  };
  const signIn = async (page: Page, username: string) => {
    await page.goto(`${url}/console/#/signin`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
  };

  await shoot('sign-in', async (page) => {
    await page.goto(`${url}/console/#/signin`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  });
  await shoot('sessions', async (page) => {
    await signIn(page, 'alice');
    await page.getByRole('table').getByRole('row').nth(3).waitFor();
  });
  await shoot('inspector', async (page) => {
    await signIn(page, 'alice');
    await page.getByRole('link', { name: 'Token inspector' }).click();
    await page.waitForFunction("(document.querySelector('textarea')?.value ?? '').split('.').length === 3");
    await page.getByRole('button', { name: 'Check with this server' }).click();
    await page.getByTestId('verdict').waitFor();
  });
  await shoot('staff-users', async (page) => {
    await signIn(page, 'root');
    await page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('rowheader', { name: 'carol' }).waitFor();
  });
  await shoot('audit', async (page) => {
    await signIn(page, 'root');
    await page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('table').getByRole('row').nth(2).waitFor();
  });
} finally {
  await browser.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
