import { SecretBox } from '../crypto/index.js';
import { PermissionDenied, ValidationError } from '../errors.js';
import type { Clock, Settings } from '../settings/index.js';
import type { AuditLog, Store, User } from '../store/index.js';
import type { SessionInfo } from '../tokens/index.js';
import { challengeNotValid, LoginChallenges, SecondFactorRequired, type LoginIntent } from './login-challenge.js';
import type { CompletedLogin } from './login-completion.js';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.js';
import { newTotpSecret, otpauthUrl, totpStepOf } from './totp.js';

/** The answer to a login challenge: a TOTP code or one recovery code. */
export type SecondFactorAnswer = { code: string } | { recoveryCode: string };

/** A user's second factor as `GET /api/2fa/` shows it. */
export interface TwoFactorStatus {
  totp: boolean;
  recoveryCodesLeft: number;
  /** Whether this user must have one (staff, with `twoFactorRequiredForStaff`). */
  required: boolean;
}

/** The stable code of the staff API's refusal of staff without a second factor. */
export const TWO_FACTOR_REQUIRED = 'two_factor_required';
export const INVALID_CODE = 'Invalid code.';
export const INVALID_RECOVERY_CODE = 'Invalid recovery code.';

/**
 * A second factor (TOTP, RFC 6238, with recovery codes) as plain functions: enrollment, the
 * login challenge every password login goes through, re-authentication with a code, and the
 * staff requirement. Every view, adapter and the CLI call these.
 */
export interface TwoFactorUseCases {
  status(user: User): Promise<TwoFactorStatus>;
  /** Whether the user's logins need a second factor (a confirmed device). */
  isEnabled(userId: number): Promise<boolean>;
  /**
   * Starts (or restarts) a pending TOTP device: its secret and `otpauth://` URI, shown this once.
   * Refused (400) while a confirmed device exists: turn it off first.
   */
  beginTotp(user: User): Promise<{ secret: string; otpauthUrl: string }>;
  /** Confirms the pending device with a code from it; answers ten recovery codes, shown this once (only hashes are kept). */
  confirmTotp(user: User, code: string): Promise<string[]>;
  /** Turns the second factor off: the device and the recovery codes go. False when it was off. */
  disableTotp(user: User): Promise<boolean>;
  /** Ten new recovery codes in place of the old ones (400 while the second factor is off). */
  regenerateRecoveryCodes(user: User): Promise<string[]>;
  /** Whether `code` is the user's TOTP code now, never accepted before (each code works once, also under a burst). */
  verifyTotp(user: User, code: string): Promise<boolean>;
  /**
   * The password logins' second step: throws `SecondFactorRequired` with a challenge for a user
   * with a second factor (no tokens); returns for one without.
   */
  requireSecondFactor(user: User, login: LoginIntent): Promise<void>;
  /**
   * A challenge answered: its user and what the login was for, once. A forged, expired or used
   * challenge is 401 `challenge_not_valid`; a wrong or used code 400 `{"code": ["Invalid code."]}`
   * (`recovery_code` for a recovery code), the challenge still good for another try.
   */
  answerChallenge(challenge: string, answer: SecondFactorAnswer): Promise<{ user: User; login: LoginIntent }>;
  /**
   * `POST /api/token/2fa/`: `answerChallenge`, then what the password login would have answered
   * (`client`: where from, for the session a pair starts).
   */
  completeLogin(challenge: string, answer: SecondFactorAnswer, client?: SessionInfo): Promise<CompletedLogin>;
  /** Refuses (403 `two_factor_required`) a staff user without a second factor when `twoFactorRequiredForStaff` is on. */
  assertStaffMayAct(user: User): Promise<void>;
}

export function twoFactorUseCases(deps: {
  settings: Settings; store: Store; audit: AuditLog; clock: Clock; secret: string;
}): Omit<TwoFactorUseCases, 'completeLogin'> {
  const { settings, store, audit, clock } = deps;
  const repo = store.twoFactor;
  // The TOTP secret is sealed under a key derived from the signing secret: a dump alone makes no codes.
  // With `keyEncryptionKey` set, new secrets are sealed under it; those sealed before still open.
  const legacyBox = new SecretBox(deps.secret, 'tessera.totp-secret');
  const kekBox = settings.keyEncryptionKey ? new SecretBox(settings.keyEncryptionKey, 'tessera.totp-secret') : null;
  const box = kekBox
    ? { seal: (plain: string) => kekBox.seal(plain), open: (sealed: string) => kekBox.open(sealed) ?? legacyBox.open(sealed) }
    : legacyBox;
  const challenges = new LoginChallenges(deps.secret, clock, deps.settings.loginField);
  const now = () => new Date(clock());

  const newCodes = (user: User) => {
    const codes = newRecoveryCodes();
    return { codes, hashes: codes.map((code) => recoveryCodeHash(user.id, code)!) };
  };
  /** The step a code is right for, against the stored (sealed) secret; null when wrong or the secret cannot be opened. */
  const stepFor = async (userId: number, code: string, confirmed: boolean): Promise<number | null> => {
    const device = await repo.findDevice(userId);
    if (!device || (device.confirmedAt !== null) !== confirmed) return null;
    const secret = box.open(device.sealedSecret);
    return secret === null ? null : totpStepOf(secret, code, clock());
  };
  const verifyTotp = async (user: User, code: string) => {
    const step = await stepFor(user.id, code, true);
    return step !== null && (await repo.useStep(user.id, step));
  };
  const isEnabled = (userId: number) => repo.isEnabled(userId);

  return {
    isEnabled,
    status: async (user) => ({
      totp: await isEnabled(user.id),
      recoveryCodesLeft: await repo.recoveryCodesLeft(user.id),
      required: settings.twoFactorRequiredForStaff && user.isStaff,
    }),
    beginTotp: async (user) => {
      const secret = newTotpSecret();
      if (!(await repo.startPending(user.id, box.seal(secret), now()))) {
        throw ValidationError.of('non_field_errors', 'Two-factor authentication is on already; turn it off first.');
      }
      return { secret, otpauthUrl: otpauthUrl(secret, settings.twoFactorIssuer, user.username) };
    },
    confirmTotp: async (user, code) => {
      const device = await repo.findDevice(user.id);
      if (!device || device.confirmedAt) throw ValidationError.of('non_field_errors', 'No enrollment is pending: start one with POST /api/2fa/totp/.');
      const step = await stepFor(user.id, code, false);
      if (step === null) throw ValidationError.of('code', INVALID_CODE);
      const { codes, hashes } = newCodes(user);
      // Of two confirmations at once, one wins; the other's codes were never stored.
      if (!(await repo.confirm(user.id, step, hashes, now()))) throw ValidationError.of('code', INVALID_CODE);
      return codes;
    },
    disableTotp: (user) => repo.disable(user.id),
    regenerateRecoveryCodes: async (user) => {
      if (!(await isEnabled(user.id))) throw ValidationError.of('non_field_errors', 'Two-factor authentication is off.');
      const { codes, hashes } = newCodes(user);
      await repo.replaceRecoveryCodes(user.id, hashes, now());
      return codes;
    },
    verifyTotp,
    requireSecondFactor: async (user, login) => {
      if (await isEnabled(user.id)) throw new SecondFactorRequired(challenges.issue(user, login), user.id, user.username, user.email);
    },
    answerChallenge: async (challenge, answer) => {
      const verified = challenges.verify(challenge);
      const user = await store.users.findById(verified.userId);
      if (!user || !user.isActive || !(await isEnabled(user.id))) throw challengeNotValid();
      // A spent challenge says so before any code is looked at (and spent).
      if (await repo.isChallengeUsed(verified.jti)) throw challengeNotValid();
      if ('code' in answer) {
        if (!(await verifyTotp(user, answer.code))) throw ValidationError.of('code', INVALID_CODE);
      } else {
        const hash = recoveryCodeHash(user.id, answer.recoveryCode);
        if (hash === null || !(await repo.useRecoveryCode(user.id, hash, now()))) throw ValidationError.of('recovery_code', INVALID_RECOVERY_CODE);
        void audit.record({ type: 'recovery_code_used', userId: user.id, username: user.username, detail: { left: await repo.recoveryCodesLeft(user.id) } });
      }
      // The factor was right; the challenge is good once (two right answers at once: one login).
      if (!(await repo.useChallenge(verified.jti, verified.expiresAt, now()))) throw challengeNotValid();
      return { user, login: verified.login };
    },
    assertStaffMayAct: async (user) => {
      if (!settings.twoFactorRequiredForStaff || !user.isStaff) return;
      if (await isEnabled(user.id)) return;
      throw new PermissionDenied(
        'Staff accounts need two-factor authentication: turn it on at /api/2fa/totp/ (the console\'s Two-factor page).', TWO_FACTOR_REQUIRED, true,
      );
    },
  };
}
