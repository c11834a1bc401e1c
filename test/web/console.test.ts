import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CONSOLE_BUILD_DIR } from '../../src/server/console.js';
import { startServer, type TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';
const PUBLIC_URL = 'https://console.example.com';
const PASSWORD = 'console-pass-4821';
/**
 * Browser-side: the inspector's field holds a three-part token (a string: the Node typecheck has no
 * DOM). A function's source, not an expression: Playwright evaluates it once and polls the function,
 * where an expression would be evaluated again at every poll, which the console's CSP refuses.
 */
const TOKEN_FILLED = "() => (document.querySelector('textarea')?.value ?? '').split('.').length === 3";
const required = process.env.TESSERA_REQUIRE_SERVICES === '1';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (skip && required) throw new Error(`the console tests need ${CHROMIUM} (TESSERA_REQUIRE_SERVICES=1)`);
if (skip) console.log(`console tests skipped: ${skip}`);

/** The tests run against the built console; build it once when a fresh tree has none. */
function ensureBuilt(): void {
  if (existsSync(join(CONSOLE_BUILD_DIR, 'index.html'))) return;
  const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  assert.equal(built.status, 0, 'vite build failed');
}

/** The newest email in the file backend's folder with a link under `path`, as `/#/path/uid/token`. */
async function emailedLink(folder: string, path: string): Promise<string> {
  const pattern = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}(/#/${path}/[A-Za-z0-9_-]+/[0-9a-z]+-[0-9a-f]+)`);
  for (let waited = 0; waited < 10_000; waited += 50) {
    const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.eml')).sort().reverse() : [];
    for (const file of files) {
      const text = readFileSync(join(folder, file), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const match = pattern.exec(text);
      if (match) return match[1]!;
    }
    await sleep(50);
  }
  throw new Error(`no ${path} link was mailed`);
}

describe('the console in a real browser (Debian chromium)', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let mailDir: string;
  let alice: Page;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  const open = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // A CSP violation would show up here: the console must run under its own policy.
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
    return page;
  };
  const signIn = async (page: Page, username: string) => {
    await page.goto(`${server.url}/console/#/signin`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
  };
  const status = (page: Page) => page.getByRole('status');

  before(async () => {
    ensureBuilt();
    mailDir = mkdtempSync(join(tmpdir(), 'tessera-console-mail-'));
    server = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, emailUrl: `file:${mailDir}`, publicUrl: PUBLIC_URL });
    // The browser's clock is real: the server's tokens are issued at the same time.
    server.clock.now = Date.now();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (mailDir) rmSync(mailDir, { recursive: true, force: true });
  });

  test('serves the built console with its CSP, long-cached assets and a no-cache index', async () => {
    const index = await server.get('/console/');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(index.headers.get('x-frame-options'), 'DENY');
    assert.doesNotMatch(index.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    assert.ok(asset, 'the index loads a hashed script');
    const script = await server.get(asset);
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    // A browser opening / goes to the console; an API client still gets the API root.
    const root = await fetch(`${server.url}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/console/');
    assert.equal((await server.get('/')).status, 200);
  });

  test('register, activate from the emailed link, sign in, call the API', async () => {
    alice = await open();
    await alice.goto(`${server.url}/console/`);
    await alice.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await alice.getByRole('link', { name: 'Create an account' }).click();
    await alice.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
    // DRF's field errors appear next to their fields.
    await alice.getByLabel('Username').fill('alice');
    await alice.getByLabel('Email').fill('not-an-email');
    await alice.getByLabel('Password').fill(PASSWORD);
    await alice.getByRole('button', { name: 'Create account' }).click();
    await alice.getByText('Enter a valid email address.').waitFor();
    assert.equal(await alice.getByLabel('Email').getAttribute('aria-invalid'), 'true');
    await alice.getByLabel('Email').fill('alice@example.com');
    await alice.getByRole('button', { name: 'Create account' }).click();
    await alice.getByText('We sent an activation link to').waitFor();

    // The email links to {publicUrl}/#/activate/...: through `/` it lands in the console.
    const link = await emailedLink(mailDir, 'activate');
    await alice.goto(`${server.url}${link}`);
    await alice.getByRole('heading', { level: 1, name: 'Activate your account' }).waitFor();
    assert.match(alice.url(), /\/console\/#\/activate\//);
    await alice.getByRole('button', { name: 'Activate my account' }).click();
    await status(alice).getByText('Your account is active').waitFor();
    assert.equal((await server.store.users.findByUsername('alice'))?.isActive, true);

    await alice.getByRole('link', { name: 'Sign in' }).first().click();
    await alice.getByLabel('Username').fill('alice');
    await alice.getByLabel('Password').fill('wrong-password-1');
    // By keyboard: Enter in the form submits it.
    await alice.getByLabel('Password').press('Enter');
    await status(alice).getByText('No active account found with the given credentials').waitFor();
    await signIn(alice, 'alice');
    assert.equal(await alice.getByTestId('username').textContent(), 'alice');
    // Focus moves to the page heading on navigation.
    assert.equal(await alice.locator('h1:focus').count(), 1);

    await alice.getByRole('link', { name: 'Students' }).click();
    await alice.getByRole('heading', { level: 1, name: 'Students' }).waitFor();
    await alice.getByLabel('Name').fill('Rahim');
    await alice.getByLabel('Roll').fill('7');
    await alice.getByLabel('City').fill('Dhaka');
    await alice.getByRole('button', { name: 'Add student' }).click();
    await alice.getByRole('cell', { name: 'Dhaka' }).waitFor();
    const rows = await server.store.database.db.withTables<{ api_student: { name: string; city: string } }>()
      .selectFrom('api_student').select(['name', 'city']).execute();
    assert.deepEqual(rows, [{ name: 'Rahim', city: 'Dhaka' }]);
  });

  test('two browsers: the first sees two sessions, ends the other, whose next call lands on sign-in', async () => {
    const phone = await open();
    await signIn(phone, 'alice');
    await alice.goto(`${server.url}/console/#/sessions`);
    await alice.reload();
    const table = alice.getByRole('table', { name: 'Devices signed in to your account' });
    await table.getByRole('row').nth(2).waitFor();
    assert.equal(await table.getByRole('row').count(), 3, 'a header row and two sessions');
    await table.getByText('This device').waitFor();
    await table.getByRole('button', { name: /^Sign out / }).click();
    await status(alice).getByText(/^Signed out /).waitFor();
    // The page announces, then reloads the list: wait for the ended session's row to go.
    await table.getByRole('row').nth(2).waitFor({ state: 'detached' });
    assert.equal(await alice.getByRole('table', { name: 'Devices signed in to your account' }).getByRole('row').count(), 2, 'one session left');
    // The session just ended is listed under "Recently ended", with why in words.
    const endedRows = alice.getByTestId('ended-sessions').getByRole('row');
    await endedRows.nth(1).waitFor();
    assert.equal(await endedRows.count(), 2, 'a header row and the ended session');
    assert.match(await endedRows.nth(1).textContent() ?? '', /Signed out$/);

    await phone.getByRole('link', { name: 'Students' }).click();
    await phone.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await status(phone).getByText('Your session was ended').waitFor();
  });

  test('the token inspector decodes, counts down, and says whether the server accepts the token and why not', async () => {
    await alice.getByRole('link', { name: 'Token inspector' }).click();
    await alice.getByRole('heading', { level: 1, name: 'Token inspector' }).waitFor();
    const field = alice.getByLabel('JSON Web Token');
    // Signed in, it starts with the console's own access token.
    await alice.waitForFunction(TOKEN_FILLED);
    const access = await field.inputValue();
    assert.match(await alice.getByTestId('claims').textContent() ?? '', /"token_type": "access"/);
    assert.match(await alice.getByTestId('header').textContent() ?? '', /"alg": "HS256"/);
    assert.match(await alice.getByTestId('expiry').textContent() ?? '', /^Expires in \d/);
    await alice.getByRole('button', { name: 'Check with this server' }).click();
    await alice.getByTestId('verdict').getByText('This server accepts this token.').waitFor();

    const [head, body] = access.split('.');
    await field.fill(`${head}.${body}.${'A'.repeat(43)}`);
    await alice.getByRole('button', { name: 'Check with this server' }).click();
    await alice.getByTestId('verdict').getByText('Token is invalid or expired').waitFor();
    assert.match(await alice.getByTestId('verdict').textContent() ?? '', /token_not_valid/);

    await field.fill('not-a-token');
    await alice.getByText('Not a JWT: A JWT has three parts').waitFor();
  });

  test('sign out returns to the sign-in page and forgets the tokens', async () => {
    await alice.getByRole('button', { name: 'Sign out' }).click();
    await alice.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assert.equal(await alice.evaluate('sessionStorage.length'), 0);
    await alice.goto(`${server.url}/console/#/sessions`);
    await alice.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  });

  test('password reset: request, the emailed link, a new password that signs in', async () => {
    await alice.getByRole('link', { name: 'Forgot your password?' }).click();
    await alice.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await alice.getByLabel('Email').fill('alice@example.com');
    await alice.getByRole('button', { name: 'Send reset link' }).click();
    await status(alice).getByText('a reset link is on its way').waitFor();
    const link = await emailedLink(mailDir, 'password/reset/confirm');
    await alice.goto(`${server.url}${link}`);
    await alice.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await alice.getByLabel('New password').fill('alice');
    await alice.getByRole('button', { name: 'Set password' }).click();
    // Django's validators, shown next to the field.
    await alice.getByText('This password is too short.', { exact: false }).waitFor();
    await alice.getByLabel('New password').fill(`${PASSWORD}-new`);
    await alice.getByRole('button', { name: 'Set password' }).click();
    await status(alice).getByText('Your password is changed').waitFor();
    await alice.goto(`${server.url}/console/#/signin`);
    await alice.getByLabel('Username').fill('alice');
    await alice.getByLabel('Password').fill(`${PASSWORD}-new`);
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await alice.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
  });

  test('staff pages: users, tokens, audit log, keys, students and tasks', async () => {
    await server.createUser('root', PASSWORD, { isStaff: true, isSuperuser: true });
    await server.createUser('bob', PASSWORD);
    const staff = await open();
    await signIn(staff, 'root');
    const nav = staff.getByRole('navigation', { name: 'Staff' });

    await nav.getByRole('link', { name: 'Users' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await staff.getByRole('rowheader', { name: 'root' }).waitFor();
    assert.equal(await staff.getByTestId('superuser-only').count(), 0, 'a superuser is told of no control held back');
    await staff.getByLabel('Search users').fill('BOB');
    await staff.getByRole('button', { name: 'Search' }).click();
    const users = staff.getByRole('table');
    // The list of everyone (loaded on opening) has bob too: wait for the search's answer.
    await users.getByRole('rowheader', { name: 'bob' }).waitFor();
    await users.getByRole('row').nth(2).waitFor({ state: 'detached' });
    assert.equal(await users.getByRole('row').count(), 2, 'the search leaves bob alone');
    assert.equal(await users.getByRole('rowheader').textContent(), 'bob');
    // Exact names: by default a name matches as a substring, and "Deactivate bob" contains "activate bob".
    // Each button shows once the list reloaded after the server's answer to the change.
    const button = (name: string) => staff.getByRole('button', { name, exact: true });
    await button('Deactivate bob').click();
    await button('Activate bob').waitFor();
    assert.equal((await server.store.users.findByUsername('bob'))?.isActive, false);
    await button('Activate bob').click();
    await button('Deactivate bob').waitFor();
    await button('Make bob staff').click();
    await button('Remove staff from bob').waitFor();
    const bob = await server.store.users.findByUsername('bob');
    assert.equal(bob?.isActive, true);
    assert.equal(bob?.isStaff, true);
    await staff.getByRole('button', { name: 'End all sessions of bob' }).click();
    await status(staff).getByText("Ended bob's sessions").waitFor();

    await nav.getByRole('link', { name: 'Tokens' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Tokens' }).waitFor();
    const outstanding = staff.getByRole('table', { name: 'Outstanding tokens' });
    await outstanding.getByRole('cell', { name: 'alice' }).first().waitFor();
    // Count the blacklisted rows once that list is loaded (a table, or the line saying it is empty).
    const blacklistedRows = staff.getByRole('table', { name: 'Blacklisted tokens' }).getByRole('row');
    await blacklistedRows.first().or(staff.getByText('No blacklisted tokens.')).waitFor();
    const before = await blacklistedRows.count();
    await outstanding.getByRole('button', { name: /^Blacklist token / }).first().click();
    await status(staff).getByText(/^Blacklisted token /).waitFor();
    // One more token row: the header and one row when there were none.
    await blacklistedRows.nth(Math.max(before, 1)).waitFor();

    await nav.getByRole('link', { name: 'Audit log' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await staff.getByLabel('Event').fill('login_failed');
    await staff.getByRole('button', { name: 'Filter' }).click();
    await staff.getByRole('rowheader', { name: 'login_failed' }).first().waitFor();
    // The filtered answer replaces the whole list: no other event is left on the page.
    await staff.getByRole('rowheader').filter({ hasNotText: /^login_failed$/ }).first().waitFor({ state: 'detached' });
    assert.ok(await staff.getByRole('rowheader', { name: 'login_failed' }).count() >= 1);

    await nav.getByRole('link', { name: 'Keys' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Signing keys' }).waitFor();
    await staff.getByRole('cell', { name: 'HS256' }).waitFor();

    // The inspector asks introspection too, for staff.
    await staff.getByRole('link', { name: 'Token inspector' }).click();
    await staff.waitForFunction(TOKEN_FILLED);
    await staff.getByRole('button', { name: 'Check with this server' }).click();
    await staff.getByTestId('introspection').getByText('"active": true').waitFor();

    await staff.getByRole('link', { name: 'Students' }).click();
    await staff.getByRole('button', { name: 'Edit student 1' }).click();
    const editing = staff.locator('tr.editing');
    await editing.getByLabel('City').fill('Chittagong');
    await editing.getByRole('button', { name: 'Save' }).click();
    await staff.getByRole('cell', { name: 'Chittagong' }).waitFor();
    await staff.getByRole('button', { name: 'Delete student 1' }).click();
    await staff.getByRole('button', { name: 'Delete student 1' }).click();
    await staff.getByText('No students yet.').waitFor();

    await staff.getByRole('link', { name: 'Tasks' }).click();
    await staff.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
    await staff.getByLabel('Title').fill('Write the report');
    await staff.getByLabel('Person (user id)').fill('999');
    await staff.getByLabel('Due').fill('2030-01-02T10:30');
    await staff.getByRole('button', { name: 'Add task' }).click();
    await staff.getByText('Invalid pk "999" - object does not exist.').waitFor();
    await staff.getByLabel('Person (user id)').fill(String(bob!.id));
    await staff.getByRole('button', { name: 'Add task' }).click();
    await staff.getByRole('cell', { name: 'Write the report' }).waitFor();
    await staff.getByRole('button', { name: 'Edit task 1' }).click();
    await staff.locator('tr.editing').getByLabel('Title').fill('Write the final report');
    await staff.locator('tr.editing').getByRole('button', { name: 'Save' }).click();
    await staff.getByRole('cell', { name: 'Write the final report' }).waitFor();
    await staff.getByRole('button', { name: 'Delete task 1' }).click();
    await staff.getByRole('button', { name: 'Delete task 1' }).click();
    await staff.getByText('No tasks yet.').waitFor();

    // A user who is not staff sees no staff navigation and no staff page.
    const plain = await open();
    await server.createUser('carol', PASSWORD);
    await signIn(plain, 'carol');
    assert.equal(await plain.getByRole('navigation', { name: 'Staff' }).count(), 0);
    await plain.goto(`${server.url}/console/#/staff/users`);
    await plain.getByRole('heading', { level: 1, name: 'Staff only' }).waitFor();
  });

  test('staff who are not superusers: superusers marked, the controls the server would refuse disabled with the reason', async () => {
    await server.createUser('chief', PASSWORD, { isStaff: true, isSuperuser: true });
    await server.createUser('clerk', PASSWORD, { isStaff: true });
    await server.createUser('erin', PASSWORD);
    await server.login('chief', PASSWORD); // chief has a token
    const clerk = await open();
    await signIn(clerk, 'clerk');
    await clerk.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Users' }).click();
    const users = clerk.getByRole('table');
    await users.getByRole('rowheader', { name: 'chief', exact: true }).waitFor();
    const chiefRow = users.getByRole('row').filter({ has: clerk.getByRole('rowheader', { name: 'chief', exact: true }) });
    assert.equal(await chiefRow.getByText('superuser', { exact: true }).isVisible(), true, 'the list shows who is a superuser');

    const button = (name: string) => clerk.getByRole('button', { name, exact: true });
    /** The visible sentence a button's aria-describedby names, or null when it names none. */
    const reasonOf = async (name: string): Promise<string | null> => {
      const id = await button(name).getAttribute('aria-describedby');
      if (id === null) return null;
      const reason = clerk.locator(`[id="${id}"]`);
      assert.equal(await reason.isVisible(), true, `${name}: the reason is on the page, not only in a tooltip`);
      return reason.textContent();
    };
    for (const name of ['Deactivate chief', 'Remove staff from chief', 'End all sessions of chief']) {
      assert.equal(await button(name).isDisabled(), true, name);
      assert.equal(await reasonOf(name), 'Only a superuser may change a superuser or end their sessions.', name);
    }
    assert.equal(await button('Make erin staff').isDisabled(), true);
    assert.equal(await reasonOf('Make erin staff'), 'Only a superuser may grant or remove staff status.');
    // Ordinary users stay theirs to manage.
    for (const name of ['Deactivate erin', 'End all sessions of erin']) {
      assert.equal(await button(name).isDisabled(), false, name);
      assert.equal(await reasonOf(name), null, name);
    }
    await button('Deactivate erin').click();
    await button('Activate erin').waitFor();
    assert.equal((await server.store.users.findByUsername('erin'))?.isActive, false);
    await button('Activate erin').click();
    await button('Deactivate erin').waitFor();

    // The token list names no superuser: blacklisting one of theirs is refused with the server's reason.
    await clerk.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Tokens' }).click();
    await clerk.getByLabel('Username').fill('chief');
    await clerk.getByRole('button', { name: 'Filter' }).click();
    const outstanding = clerk.getByRole('table', { name: 'Outstanding tokens' });
    await outstanding.getByRole('cell', { name: 'chief' }).first().waitFor();
    // The unfiltered list came first: wait until only chief's one token (and the header) is left.
    await outstanding.getByRole('row').nth(2).waitFor({ state: 'detached' });
    assert.equal(await outstanding.getByRole('row').nth(1).getByRole('cell', { name: 'chief', exact: true }).count(), 1);
    await outstanding.getByRole('button', { name: /^Blacklist token / }).first().click();
    await status(clerk).getByText('Only a superuser may end a superuser\'s sessions.').waitFor();
    const chief = (await server.store.users.findByUsername('chief'))!;
    const chiefTokens = await server.store.database.db.selectFrom('token_blacklist_outstandingtoken').select('jti').where('user_id', '=', chief.id).execute();
    for (const { jti } of chiefTokens) assert.equal(await server.store.tokens.isBlacklisted(jti), false);
  });

  test('a session ended by the idle timeout (flushexpiredtokens): the sign-in page says why, and "Recently ended" says "Idle too long"', async () => {
    const idle = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, sessionIdleTimeout: 600 });
    try {
      idle.clock.now = Date.now();
      await idle.createUser('erin', PASSWORD);
      const page = await open();
      await page.goto(`${idle.url}/console/#/signin`);
      await page.getByLabel('Username').fill('erin');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
      assert.equal(await page.getByTestId('ended-sessions').count(), 0, 'nothing ended yet');

      idle.clock.advance(601);
      assert.equal((await idle.tessera.maintenance.flushExpiredTokens()).endedSessions, 1);
      // The next call is refused; the refresh answers "Session has expired" with reason idle.
      await page.getByRole('link', { name: 'Students' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await page.getByTestId('ended-why').getByText('You were signed out after a while without activity.').waitFor();

      await page.getByLabel('Username').fill('erin');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
      const rows = page.getByTestId('ended-sessions').getByRole('row');
      await rows.nth(1).waitFor();
      assert.match(await rows.nth(1).textContent() ?? '', /Idle too long$/);
      assert.equal(await page.getByTestId('ended-why').count(), 0, 'signed in again, the reason is gone');
    } finally {
      await idle.close();
    }
  });

  test('a stale login (past freshLoginMaxAge): ending another session asks for the password in a dialog, then ends it; the password change re-authenticates with the current password', async () => {
    const fresh = await startServer({ tokenFamilies: true, rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false });
    try {
      fresh.clock.now = Date.now();
      await fresh.createUser('frank', PASSWORD);
      const elsewhere = await fresh.login('frank', PASSWORD);
      const page = await open();
      await page.goto(`${fresh.url}/console/#/signin`);
      await page.getByLabel('Username').fill('frank');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
      const endOther = page.getByRole('button', { name: /^Sign out .*, signed in / });
      await endOther.waitFor();

      fresh.clock.advance(601);
      await endOther.click();
      const dialog = page.getByRole('dialog', { name: 'Confirm it\'s you' });
      await dialog.waitFor();
      // Cancel: nothing is ended, and the status line gives the server's reason.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await status(page).getByText('This action needs a recent login; re-authenticate with your password.').waitFor();
      await endOther.click();
      await dialog.waitFor();
      const field = dialog.getByLabel('Your password');
      assert.equal(await field.evaluate((input) => input === input.ownerDocument.activeElement), true, 'focus is in the dialog');
      // A wrong password: the server's message next to the field, the dialog stays.
      await field.fill('not-the-password');
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.getByText('Invalid password.').waitFor();
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      assert.equal((await fresh.post('/api/token/refresh/', { refresh: elsewhere.refresh })).status, 200, 'nothing ended yet');
      await field.fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await status(page).getByText(/^Signed out /).waitFor();
      await endOther.waitFor({ state: 'detached' });
      const refused = await fresh.post('/api/token/refresh/', { refresh: elsewhere.refresh });
      assert.equal(refused.status, 401, 'the other session is over');

      // Stale again, "Sign out everywhere else": the same dialog, then both other sessions end.
      const others = [await fresh.login('frank', PASSWORD), await fresh.login('frank', PASSWORD)];
      await page.reload();
      const everywhere = page.getByRole('button', { name: 'Sign out everywhere else' });
      await everywhere.waitFor();
      fresh.clock.advance(601);
      await everywhere.click();
      await dialog.waitFor();
      await dialog.getByLabel('Your password').fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await status(page).getByText('Signed out 2 other sessions.').waitFor();
      for (const { refresh } of others) assert.equal((await fresh.post('/api/token/refresh/', { refresh })).status, 401);

      // Stale once more: the password change uses the form's current password; a wrong one shows there.
      fresh.clock.advance(601);
      await page.getByRole('link', { name: 'Account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
      await page.getByLabel('Current password').fill('not-the-password');
      await page.getByLabel('New password').fill('new-console-pass-7313');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Invalid password.').waitFor();
      assert.equal(await page.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByRole('dialog').count(), 0, 'no dialog: the form has the password');
      await page.getByLabel('Current password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await status(page).getByText('Password changed.').waitFor();
      assert.equal((await fresh.post('/api/token/', { username: 'frank', password: 'new-console-pass-7313' })).status, 200, 'the new password signs in');
    } finally {
      await fresh.close();
    }
  });

  test('the account page: the account deleted (a wrong password refused); a new email (a stale login asks for the password first) deactivates until its link is followed', async () => {
    const own = await startServer({ tokenFamilies: true, throttleEnabled: false, sendActivationEmail: true });
    try {
      own.clock.now = Date.now();
      await own.createUser('grace', PASSWORD);
      await own.createUser('heidi', PASSWORD);
      const accountOf = async (username: string) => {
        const page = await open();
        await page.goto(`${own.url}/console/#/signin`);
        await page.getByLabel('Username').fill(username);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
        await page.goto(`${own.url}/console/#/account`);
        await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
        return page;
      };

      const grace = await accountOf('grace');
      const deleteForm = grace.getByTestId('delete-account');
      await deleteForm.getByLabel('Password to confirm').fill('not-the-password');
      await deleteForm.getByRole('button', { name: 'Delete my account' }).click();
      await deleteForm.getByText('Invalid password.').waitFor();
      assert.ok(await own.store.users.findByUsername('grace'), 'still there');
      await deleteForm.getByLabel('Password to confirm').fill(PASSWORD);
      await deleteForm.getByRole('button', { name: 'Delete my account' }).click();
      await grace.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await status(grace).getByText('Your account was deleted.').waitFor();
      assert.equal(await own.store.users.findByUsername('grace'), null);

      const heidi = await accountOf('heidi');
      own.clock.advance(601);
      const emailForm = heidi.getByTestId('change-email');
      await emailForm.getByLabel('New email').fill('heidi@new.example');
      await emailForm.getByRole('button', { name: 'Change email' }).click();
      const dialog = heidi.getByRole('dialog', { name: 'Confirm it\'s you' });
      await dialog.getByLabel('Your password').fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await heidi.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await status(heidi).getByText(/Follow the link sent to the new address/).waitFor();
      const stored = await own.store.users.findByUsername('heidi');
      assert.equal(stored?.email, 'heidi@new.example');
      assert.equal(stored?.isActive, false, 'inactive until the new address is confirmed');
    } finally {
      await own.close();
    }
  });

  test('with tokenFamilies off, "Your sessions" says so and names the setting', async () => {
    const plain = await startServer({});
    try {
      plain.clock.now = Date.now();
      await plain.createUser('dave', PASSWORD);
      const page = await open();
      await page.goto(`${plain.url}/console/#/signin`);
      await page.getByLabel('Username').fill('dave');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const notice = page.getByTestId('families-off');
      await notice.waitFor();
      assert.match(await notice.textContent() ?? '', /tokenFamilies/);
      assert.equal(await page.getByRole('button', { name: 'Sign out everywhere else' }).count(), 0);
    } finally {
      await plain.close();
    }
  });

  test('no page error and no CSP violation along the way', () => {
    assert.deepEqual(pageErrors, []);
  });
});

describe('the console when tokenFamilies is off, or not built', () => {
  test('GET /console/ answers 503 with a DRF detail when there is no build, and the server still answers', async () => {
    const { consoleRoutes } = await import('../../src/server/console.js');
    const Fastify = (await import('fastify')).default;
    const app = Fastify();
    await consoleRoutes(app, { dir: mkdtempSync(join(tmpdir(), 'tessera-no-console-')) });
    const answer = await app.inject({ method: 'GET', url: '/console/' });
    assert.equal(answer.statusCode, 503);
    assert.deepEqual(answer.json(), { detail: 'The console is not built; run npm run build.' });
    assert.equal((await app.inject({ method: 'GET', url: '/console/assets/x.js' })).statusCode, 503);
    await app.close();
  });

  test('console: false serves neither /console/ nor the redirect from /', async () => {
    const server = await startServer({ console: false });
    try {
      assert.equal((await server.get('/console/')).status, 404);
      const root = await fetch(`${server.url}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      // The (public) API root answers, not a redirect.
      assert.equal(root.status, 200);
      assert.equal(root.headers.get('location'), null);
    } finally {
      await server.close();
    }
  });
});
