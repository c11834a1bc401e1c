import type { Settings } from '../../settings/index.js';
import { createConsoleMailer } from './console-mailer.js';
import type { Mailer } from './mailer.js';

export type { EmailMessage, Mailer } from './mailer.js';

/** The mailer `emailUrl` names: `console`, `file:FOLDER`, or `smtp(s)://`. */
export function createMailer(settings: Pick<Settings, 'emailUrl' | 'emailFrom'>): Mailer {
  if (settings.emailUrl === 'console') return createConsoleMailer(settings.emailFrom);
  throw new Error(`email backend ${settings.emailUrl} is not available yet`);
}
