import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSmtp } from '../support/smtp.js';
import {
  activationEmail, createFileMailer, createMailer, passwordChangedEmail, passwordResetEmail, usernameChangedEmail,
} from '../../src/accounts/index.js';

/** The decoded text part of a nodemailer message (quoted-printable soft breaks undone). */
function textOf(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

const context = { publicUrl: 'https://app.example.com', to: 'alice@example.com', username: 'alice' };
const link = { uid: 'Nw', token: 'd1q6o0-4c246b3595b567b51930deaf73400f11' };

describe('templates', () => {
  test('activation and reset links are the djoser frontend paths under publicUrl', () => {
    const activation = activationEmail(context, link);
    assert.equal(activation.subject, 'Account activation on app.example.com');
    assert.ok(activation.text.includes('https://app.example.com/#/activate/Nw/d1q6o0-4c246b3595b567b51930deaf73400f11'));
    assert.ok(activation.html?.includes('href="https://app.example.com/#/activate/Nw/d1q6o0-4c246b3595b567b51930deaf73400f11"'));
    const reset = passwordResetEmail(context, link);
    assert.equal(reset.subject, 'Password reset on app.example.com');
    assert.ok(reset.text.includes('https://app.example.com/#/password/reset/confirm/Nw/d1q6o0-4c246b3595b567b51930deaf73400f11'));
    assert.ok(reset.text.includes("Your username, in case you've forgotten: alice"));
  });

  test('confirmations name the change and carry no link', () => {
    const password = passwordChangedEmail(context);
    assert.equal(password.subject, 'app.example.com - Your password has been successfully changed!');
    assert.ok(password.text.startsWith('Your password has been changed!'));
    const username = usernameChangedEmail(context);
    assert.equal(username.subject, 'app.example.com - Your username has been successfully changed!');
    assert.ok(!/https?:/.test(password.text + username.text));
  });

  test('the HTML part escapes what it shows', () => {
    const message = passwordResetEmail({ ...context, username: '<b>x</b>' }, link);
    assert.ok(message.html?.includes('&lt;b&gt;x&lt;/b&gt;'));
    assert.ok(!message.html?.includes('<b>x</b>'));
  });
});

describe('SMTP backend against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  before(async () => {
    smtp = await startSmtp();
  });
  after(async () => smtp.close());

  test('smtp://host:port delivers the activation email with its link', async () => {
    const mailer = createMailer({ emailUrl: `smtp://127.0.0.1:${smtp.port}`, emailFrom: 'accounts@tessera.test' });
    assert.equal(mailer.kind, 'smtp');
    await mailer.send(activationEmail(context, link));
    await mailer.close();
    const message = smtp.received.at(-1);
    assert.ok(message);
    assert.deepEqual(message.to, ['alice@example.com']);
    assert.equal(message.from, 'accounts@tessera.test');
    assert.match(message.raw, /^Subject: Account activation on app\.example\.com\r?$/m);
    assert.match(message.raw, /^To: alice@example\.com\r?$/m);
    assert.ok(textOf(message.raw).includes('https://app.example.com/#/activate/Nw/d1q6o0-4c246b3595b567b51930deaf73400f11'));
  });

  test('smtp://user:pass@host:port authenticates', async () => {
    const mailer = createMailer({ emailUrl: `smtp://mailer:s3cret@127.0.0.1:${smtp.port}`, emailFrom: 'accounts@tessera.test' });
    await mailer.send(passwordResetEmail(context, link));
    await mailer.close();
    const message = smtp.received.at(-1);
    assert.equal(message?.user, 'mailer');
    assert.ok(textOf(message?.raw ?? '').includes('/#/password/reset/confirm/Nw/'));
  });

  test('wrong credentials reject the send', async () => {
    const before = smtp.received.length;
    const mailer = createMailer({ emailUrl: `smtp://mailer:wrong@127.0.0.1:${smtp.port}`, emailFrom: 'accounts@tessera.test' });
    await assert.rejects(mailer.send(passwordChangedEmail(context)));
    await mailer.close();
    assert.equal(smtp.received.length, before);
  });
});

describe('file backend', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-mail-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('one RFC 5322 .eml per message, with unique names, in a folder it creates', async () => {
    const folder = join(dir, 'outbox');
    const mailer = createMailer({ emailUrl: `file:${folder}`, emailFrom: 'accounts@tessera.test' });
    assert.equal(mailer.kind, 'file');
    await Promise.all([mailer.send(activationEmail(context, link)), mailer.send(activationEmail(context, link))]);
    await mailer.close();
    const files = readdirSync(folder);
    assert.equal(files.length, 2);
    assert.ok(files.every((f) => f.endsWith('.eml')));
    assert.notEqual(files[0], files[1]);
    const raw = readFileSync(join(folder, files[0]!), 'utf8');
    assert.match(raw, /^From: accounts@tessera\.test$/m);
    assert.match(raw, /^To: alice@example\.com$/m);
    assert.match(raw, /^Subject: Account activation on app\.example\.com$/m);
    assert.match(raw, /^Message-ID: <.+>$/m);
    assert.match(raw, /^Content-Type: multipart\/alternative;/m);
    assert.ok(textOf(raw).includes('https://app.example.com/#/activate/Nw/'));
  });

  test('createFileMailer writes into an existing folder', async () => {
    const mailer = createFileMailer(dir, 'accounts@tessera.test');
    await mailer.send(usernameChangedEmail(context));
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.eml')).length, 1);
  });
});
