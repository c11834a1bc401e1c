import nodemailer from 'nodemailer';
import type { EmailMessage, Mailer } from './mailer.js';

/**
 * SMTP through nodemailer: `smtp://user:pass@host:port` (STARTTLS when the server offers it) or
 * `smtps://` (TLS from the start). nodemailer also reads its options from the query string.
 */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    kind: 'smtp',
    async send(message: EmailMessage) {
      await transport.sendMail({ from, ...message });
    },
    async close() {
      transport.close();
    },
  };
}
