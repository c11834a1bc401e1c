import { SecondFactorRequired, type LoginChallenge } from '../core/index.js';
import { setAuditEvent, setAuditSubject } from './audit-notes.js';
import type { FieldSchema } from './fields.js';
import { objectSchema, stringSchema, type ResponseDoc } from './route-docs.js';

/**
 * Runs a password login; when its user has a second factor, answers the challenge instead (200
 * `{"challenge", "methods", "expires_in"}`: no tokens, no cookies), recorded in the audit log as
 * `two_factor_challenged` rather than a login. Every view that starts a session from a password
 * goes through this.
 */
export async function orSecondFactorChallenge<T>(request: object, login: () => Promise<T>): Promise<T | LoginChallenge> {
  try {
    return await login();
  } catch (error) {
    if (!(error instanceof SecondFactorRequired)) throw error;
    setAuditEvent(request, 'two_factor_challenged');
    setAuditSubject(request, { id: error.userId, username: error.username, email: error.email });
    return error.challenge;
  }
}

/** A password login's answer for a user with a second factor. */
export const SECOND_FACTOR_CHALLENGE_SCHEMA: FieldSchema = objectSchema({
  challenge: stringSchema('A short-lived signed token, good once: answer it at `POST /api/token/2fa/`.'),
  methods: { type: 'array', items: { type: 'string', enum: ['totp', 'recovery_code'] } },
  expires_in: { type: 'integer', description: 'Seconds the challenge may be answered in.' },
});

/** A password login's 200 documented as its own answer or, for a user with a second factor, the challenge. */
export function orChallengeDoc(answer: ResponseDoc): ResponseDoc {
  return {
    ...answer,
    description: `${answer.description} For a user with a second factor: instead, a challenge to answer at \`POST /api/token/2fa/\` (no tokens, no cookies).`,
    body: { oneOf: [answer.body ?? {}, SECOND_FACTOR_CHALLENGE_SCHEMA] },
  };
}
