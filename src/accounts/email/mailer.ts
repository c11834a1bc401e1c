/** One email, as the account flows compose it. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Where email goes (Django's `EMAIL_BACKEND`). */
export interface Mailer {
  /** `console` prints, `file` writes .eml files, `smtp` sends. */
  readonly kind: 'console' | 'file' | 'smtp';
  send(message: EmailMessage): Promise<void>;
  close(): Promise<void>;
}
