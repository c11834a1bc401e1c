import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { EmailMessage, Mailer } from './mailer.js';

/**
 * Django's file-based backend, one RFC 5322 `.eml` file per message in `folder` (created when
 * missing). Names sort by time and never collide; each file appears whole (written, then renamed).
 */
let sequence = 0;

export function createFileMailer(folder: string, from: string): Mailer {
  const dir = resolve(folder);
  // nodemailer is loaded with the first message, not at start.
  let composer: Promise<Transporter> | null = null;
  return {
    kind: 'file',
    async send(message: EmailMessage) {
      composer ??= import('nodemailer').then(({ default: nodemailer }) =>
        nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }) as Transporter);
      const info = await (await composer).sendMail({ from, ...message });
      await mkdir(dir, { recursive: true });
      // Time, then a per-process sequence (so names sort in sending order), then randomness.
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '-');
      sequence += 1;
      const name = `${stamp}-${String(sequence).padStart(6, '0')}-${randomUUID().slice(0, 8)}.eml`;
      const partial = join(dir, `.${name}.partial`);
      await writeFile(partial, info.message as Buffer, { mode: 0o600 });
      await rename(partial, join(dir, name));
    },
    async close() {
      (await composer)?.close();
    },
  };
}
