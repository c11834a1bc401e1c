import type { EmailMessage, Mailer } from './mailer.js';

/** What is reported about a message that could not be sent: never its body, which holds links. */
export interface OutboxFailure {
  to: string;
  subject: string;
  error: unknown;
}

/**
 * Sends account email without making the request wait for it, so an answer takes as long whether
 * or not a message was due (reset and resend must not tell which addresses have accounts).
 * Failures go to `onFailure`; `drain()` waits for everything in flight (on shutdown, in tests).
 */
export class Outbox {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly mailer: Mailer,
    private readonly onFailure: (failure: OutboxFailure) => void,
  ) {}

  post(message: EmailMessage): void {
    const sending = this.mailer.send(message).then(
      () => {},
      (error: unknown) => this.onFailure({ to: message.to, subject: message.subject, error }),
    );
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
