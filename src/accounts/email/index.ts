import type { Settings } from '../../settings/index.js';
import { createConsoleMailer } from './console-mailer.js';
import { createFileMailer } from './file-mailer.js';
import type { Mailer } from './mailer.js';
import { createSmtpMailer } from './smtp-mailer.js';

export type { EmailMessage, Mailer } from './mailer.js';
export { createConsoleMailer } from './console-mailer.js';
export { createFileMailer } from './file-mailer.js';
export { createSmtpMailer } from './smtp-mailer.js';
export { Outbox, type OutboxFailure } from './outbox.js';
export {
  ACTIVATION_PATH, PASSWORD_RESET_CONFIRM_PATH, accountLink, activationEmail, passwordResetEmail,
  passwordChangedEmail, usernameChangedEmail, type TemplateContext,
} from './templates.js';

/** The mailer `emailUrl` names: `console`, `file:FOLDER`, or `smtp(s)://`. */
export function createMailer(settings: Pick<Settings, 'emailUrl' | 'emailFrom'>): Mailer {
  const url = settings.emailUrl;
  if (url === 'console') return createConsoleMailer(settings.emailFrom);
  if (url.startsWith('file:')) return createFileMailer(url.slice('file:'.length), settings.emailFrom);
  if (/^smtps?:\/\//.test(url)) return createSmtpMailer(url, settings.emailFrom);
  throw new Error(`email backend ${url} is not one of console, file:FOLDER, smtp://, smtps://`);
}
