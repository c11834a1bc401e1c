import type { EmailMessage, Mailer } from './mailer.js';

/** Django's console backend: the message on stdout, for development. */
export function createConsoleMailer(from: string, write: (text: string) => void = (t) => process.stdout.write(t)): Mailer {
  return {
    kind: 'console',
    async send(message: EmailMessage) {
      const rule = '-'.repeat(79);
      write(`From: ${from}\nTo: ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n${rule}\n`);
    },
    async close() {},
  };
}
