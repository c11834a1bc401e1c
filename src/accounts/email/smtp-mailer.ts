import type { Transporter } from 'nodemailer';
import type { EmailMessage, Mailer } from './mailer.js';

/**
 * SMTP through nodemailer: `smtp://user:pass@host:port` (STARTTLS when the server offers it) or
 * `smtps://` (TLS from the start). nodemailer also reads its options from the query string.
 */
export function createSmtpMailer(url: string, from: string): Mailer {
  // nodemailer is loaded with the first message, not at start (most servers send none for a while).
  let transport: Promise<Transporter> | null = null;
  return {
    kind: 'smtp',
    async send(message: EmailMessage) {
      transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(url));
      await (await transport).sendMail({ from, ...message });
    },
    async close() {
      (await transport)?.close();
    },
  };
}
