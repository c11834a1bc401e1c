import { Secret, TOTP } from 'otpauth';
import type { Answer, TestServer } from './server.js';

/** The code an authenticator app shows for `secret` at `timestamp` (ms), as Google Authenticator computes it. */
export function totpCode(secret: string, timestamp: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp });
}

/** A user with a confirmed TOTP device: its secret and recovery codes. */
export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
}

/** Enrolls the user signed in with `auth` through the API (start, then confirm with a right code), then moves the clock past that code's step. */
export async function enrollTotp(server: TestServer, auth: Record<string, string>): Promise<Enrolled> {
  const started = await server.post('/api/2fa/totp/', {}, auth);
  if (started.status !== 200) throw new Error(`enrollment: ${started.status} ${started.text}`);
  const secret = started.json.secret as string;
  const confirmed = await server.post('/api/2fa/totp/confirm/', { code: totpCode(secret, server.clock.now) }, auth);
  if (confirmed.status !== 200) throw new Error(`confirmation: ${confirmed.status} ${confirmed.text}`);
  // The confirming code's step is spent: the next login needs the next one.
  server.clock.advance(30);
  return { secret, recoveryCodes: confirmed.json.recovery_codes as string[] };
}

/** The first step of a password login for a user with a second factor: the challenge, asserted to be one. */
export async function challengeFor(server: TestServer, username: string, password: string, extra: Record<string, unknown> = {}): Promise<string> {
  const answer: Answer = await server.post('/api/token/', { username, password, ...extra });
  if (answer.status !== 200 || typeof answer.json?.challenge !== 'string') throw new Error(`expected a challenge: ${answer.status} ${answer.text}`);
  return answer.json.challenge as string;
}
