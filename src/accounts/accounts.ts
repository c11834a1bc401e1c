import { isUsablePassword, type PasswordHashers } from '../crypto/index.js';
import { PermissionDenied, ValidationError } from '../errors.js';
import type { Clock, Settings } from '../settings/index.js';
import {
  EMAIL_TAKEN_MESSAGE, EmailTakenError, normalizeUsername, UsernameTakenError, type User, type UserRepository,
} from '../store/index.js';
import { AccountTokenGenerator, decodeUid, encodeUid } from './account-tokens.js';
import type { EmailMessage } from './email/mailer.js';
import { activationEmail, passwordChangedEmail, passwordResetEmail, usernameChangedEmail } from './email/templates.js';
import { validatePassword } from './password-validation.js';
import { usernameFromEmail } from './usernames-from-email.js';

/** djoser's messages (`djoser/constants.py`) and Django's, word for word. */
export const ACCOUNT_MESSAGES = {
  invalidUid: "Invalid user id or user doesn't exist.",
  invalidToken: 'Invalid token for given user.',
  staleToken: 'Stale token for given user.',
  invalidPassword: 'Invalid password.',
  usernameTaken: 'A user with that username already exists.',
  invalidUsername: 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
} as const;

export interface AccountsOptions {
  settings: Pick<Settings, 'publicUrl' | 'passwordResetTimeout' | 'sendActivationEmail'> & Partial<Pick<Settings, 'loginField'>>;
  users: UserRepository;
  hashers: PasswordHashers;
  clock: Clock;
  /** Django's `SECRET_KEY` for activation and reset tokens: tessera's signing key. */
  secret: string;
  /** Where account email goes; called without awaiting delivery (see `Outbox`). */
  post(message: EmailMessage): void;
  /**
   * Ends every session of the user (password change or reset, deactivation, deletion): the HTTP
   * layer raises the user's revocation cut-off and ends their token families, each ended for
   * `reason`. Absent: nothing ends.
   */
  endSessions?(userId: number, reason: 'password_changed' | 'deactivated'): Promise<void>;
}

/**
 * djoser's user flows over the user repository: registration, activation, password change and
 * reset, username and email change, deletion. Input arrives already shaped (the HTTP layer checks
 * types and required fields); these checks are the ones that need the database or a user.
 * Failures are `ValidationError` (400 field errors) or `PermissionDenied` (403).
 */
export class Accounts {
  readonly tokens: AccountTokenGenerator;

  constructor(private readonly options: AccountsOptions) {
    this.tokens = new AccountTokenGenerator({
      secret: options.secret,
      timeout: options.settings.passwordResetTimeout,
      clock: options.clock,
    });
  }

  /**
   * djoser's `UserCreateSerializer`: a taken username is a field error; the password must pass
   * Django's validators. With `sendActivationEmail` the user starts inactive and is mailed a link.
   * With `loginField: 'email'` the email must be free (in any case) and the username may be left
   * out: it is made from the email (`usernameFromEmail`).
   */
  async register(input: { username?: string; email: string; password: string }): Promise<User> {
    const { users, hashers, settings } = this.options;
    const errors: Record<string, string[]> = {};
    if (input.username !== undefined && (await users.findByUsername(input.username))) errors.username = [ACCOUNT_MESSAGES.usernameTaken];
    if (this.uniqueEmails && input.email !== '' && (await users.findByLoginEmail(input.email))) errors.email = [EMAIL_TAKEN_MESSAGE];
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    const problems = validatePassword(input.password, { username: input.username ?? null, email: input.email });
    if (problems.length > 0) throw new ValidationError({ password: problems });
    const encoded = await hashers.hash(input.password);
    // A made-up username may meet a taken one (or another registration's): then another is made.
    for (let attempt = 0; ; attempt += 1) {
      const username = input.username ?? usernameFromEmail(input.email, attempt);
      try {
        const user = await users.create({
          username,
          email: input.email,
          password: encoded,
          isActive: !settings.sendActivationEmail,
          dateJoined: new Date(this.options.clock()),
        }, { uniqueEmail: this.uniqueEmails });
        if (settings.sendActivationEmail) this.mailActivation(user);
        return user;
      } catch (error) {
        if (error instanceof EmailTakenError) throw ValidationError.of('email', EMAIL_TAKEN_MESSAGE);
        if (!(error instanceof UsernameTakenError)) throw error;
        if (input.username !== undefined || attempt >= 4) throw ValidationError.of('username', ACCOUNT_MESSAGES.usernameTaken);
      }
    }
  }

  /** `loginField: 'email'`: emails name accounts, so no two may share one, in any case. */
  private get uniqueEmails(): boolean {
    return this.options.settings.loginField === 'email';
  }

  /** djoser's email lookups (reset, resend activation): exact, or in any case with `loginField: 'email'`. */
  private usersWithEmail(email: string, isActive: boolean): Promise<User[]> {
    return this.options.users.findByEmail(email, isActive, { ignoringCase: this.uniqueEmails });
  }

  /**
   * djoser's `activation`: a valid link for an inactive user activates it; used again it is stale
   * (403). The write itself checks the account is still inactive, so a burst of uses activates once.
   */
  async activate(uid: string, token: string): Promise<void> {
    const user = await this.userForLink(uid, token);
    if (user.isActive || !(await this.options.users.activateIfUnchanged(user))) throw new PermissionDenied(ACCOUNT_MESSAGES.staleToken);
  }

  /**
   * djoser's `resend_activation`: mails a new link to inactive accounts with this email, and
   * tells nothing about whether there were any. False when activation email is off (djoser's 400).
   */
  async resendActivation(email: string): Promise<boolean> {
    if (!this.options.settings.sendActivationEmail) return false;
    for (const user of await this.usersWithEmail(email, false)) {
      if (isUsablePassword(user.password)) this.mailActivation(user);
    }
    return true;
  }

  /** djoser's `set_password`: the current password, then Django's validators on the new one. */
  async setPassword(user: User, currentPassword: string, newPassword: string): Promise<void> {
    await this.requireCurrentPassword(user, currentPassword);
    this.requireValidPassword('new_password', newPassword, user);
    await this.options.users.setPassword(user.id, await this.options.hashers.hash(newPassword));
    await this.options.endSessions?.(user.id, 'password_changed');
    this.mail(user, passwordChangedEmail);
  }

  /** djoser's `reset_password`: mails a reset link to active accounts with this email, silently. */
  async resetPassword(email: string): Promise<void> {
    for (const user of await this.usersWithEmail(email, true)) {
      if (!isUsablePassword(user.password)) continue;
      const link = { uid: encodeUid(user.id), token: this.tokens.makeToken(user) };
      this.mail(user, (context) => passwordResetEmail(context, link));
    }
  }

  /**
   * djoser's `reset_password_confirm`, in its order: the new password's validators, then the uid,
   * then the token. Setting the password (and last login) makes the link unusable afterwards; the
   * write only succeeds while the password is still the one the link was checked against, so of
   * many uses at once exactly one sets a password and the others read as a used link.
   */
  async confirmPasswordReset(uid: string, token: string, newPassword: string): Promise<void> {
    const id = decodeUid(uid);
    const candidate = id === null ? null : await this.options.users.findById(id);
    this.requireValidPassword('new_password', newPassword, candidate);
    const user = await this.userForLink(uid, token);
    const encoded = await this.options.hashers.hash(newPassword);
    if (!(await this.options.users.setPasswordIfUnchanged(user, encoded, new Date(this.options.clock())))) {
      throw ValidationError.of('token', ACCOUNT_MESSAGES.invalidToken);
    }
    await this.options.endSessions?.(user.id, 'password_changed');
    this.mail(user, passwordChangedEmail);
  }

  /** djoser's `set_username`: the new username must be free, and the current password right. */
  async setUsername(user: User, currentPassword: string, requested: string): Promise<void> {
    // The repository stores it normalized; the checks and the email name that same spelling.
    const newUsername = normalizeUsername(requested);
    const errors: Record<string, string[]> = {};
    const holder = await this.options.users.findByUsername(newUsername);
    if (holder && holder.id !== user.id) errors.new_username = [ACCOUNT_MESSAGES.usernameTaken];
    if (!(await this.checkPassword(user, currentPassword))) errors.current_password = [ACCOUNT_MESSAGES.invalidPassword];
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    try {
      await this.options.users.setUsername(user.id, newUsername);
    } catch (error) {
      if (error instanceof UsernameTakenError) throw ValidationError.of('new_username', ACCOUNT_MESSAGES.usernameTaken);
      throw error;
    }
    this.mail({ ...user, username: newUsername }, usernameChangedEmail);
  }

  /**
   * djoser's `set_email` (`set_{USERNAME_FIELD}` with `loginField: 'email'`): the new email must
   * be free in any case and the current password right (both reported at once, as `setUsername`);
   * then as an email change through `users/me/` (`updateEmail`).
   */
  async setEmail(user: User, currentPassword: string, newEmail: string): Promise<void> {
    const errors: Record<string, string[]> = {};
    const holder = newEmail === '' ? null : await this.options.users.findByLoginEmail(newEmail);
    if (holder && holder.id !== user.id) errors.new_email = [EMAIL_TAKEN_MESSAGE];
    if (!(await this.checkPassword(user, currentPassword))) errors.current_password = [ACCOUNT_MESSAGES.invalidPassword];
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    try {
      await this.updateEmail(user, newEmail);
    } catch (error) {
      // Taken between the check and the write: the same answer, under this view's field name.
      if (error instanceof ValidationError && error.fields.email) throw ValidationError.of('new_email', EMAIL_TAKEN_MESSAGE);
      throw error;
    }
  }

  /**
   * djoser's `UserSerializer.update` for `users/me/`: only the email is writable. With activation
   * email on, a new address deactivates the account until the link sent to it is used.
   */
  async updateEmail(user: User, email: string): Promise<User> {
    const { users, settings } = this.options;
    if (email === user.email) return user;
    // The email first: refused (another account holds it), it leaves the account as it was.
    try {
      await users.setEmail(user.id, email, { uniqueEmail: this.uniqueEmails });
    } catch (error) {
      if (error instanceof EmailTakenError) throw ValidationError.of('email', EMAIL_TAKEN_MESSAGE);
      throw error;
    }
    const deactivate = settings.sendActivationEmail;
    if (deactivate) {
      await users.setActive(user.id, false);
      await this.options.endSessions?.(user.id, 'deactivated');
    }
    const updated = (await users.findById(user.id)) ?? { ...user, email, isActive: !deactivate && user.isActive };
    if (deactivate) this.mailActivation(updated);
    return updated;
  }

  /** djoser's `UserDeleteSerializer`: deleting yourself takes your current password. */
  async deleteUser(user: User, currentPassword: string): Promise<void> {
    await this.requireCurrentPassword(user, currentPassword);
    // Before the row goes: its cut-off and sessions are deleted with it, the processes' memory is not.
    await this.options.endSessions?.(user.id, 'deactivated');
    await this.options.users.delete(user.id);
  }

  /** The activation link's parts for a user (what the activation email carries). */
  activationLink(user: User): { uid: string; token: string } {
    return { uid: encodeUid(user.id), token: this.tokens.makeToken(user) };
  }

  private mailActivation(user: User): void {
    const link = this.activationLink(user);
    this.mail(user, (context) => activationEmail(context, link));
  }

  private mail(user: User, template: (context: { publicUrl: string; to: string; username: string }) => EmailMessage): void {
    if (!user.email) return;
    this.options.post(template({ publicUrl: this.options.settings.publicUrl, to: user.email, username: user.username }));
  }

  /** djoser's `UidAndTokenSerializer`: the user the uid names, if the token is theirs and fresh. */
  private async userForLink(uid: string, token: string): Promise<User> {
    const id = decodeUid(uid);
    const user = id === null ? null : await this.options.users.findById(id);
    if (!user) throw ValidationError.of('uid', ACCOUNT_MESSAGES.invalidUid);
    if (!this.tokens.checkToken(user, token)) throw ValidationError.of('token', ACCOUNT_MESSAGES.invalidToken);
    return user;
  }

  private async checkPassword(user: User, password: string): Promise<boolean> {
    return (await this.options.hashers.verify(password, user.password)).valid;
  }

  private async requireCurrentPassword(user: User, password: string): Promise<void> {
    if (!(await this.checkPassword(user, password))) throw ValidationError.of('current_password', ACCOUNT_MESSAGES.invalidPassword);
  }

  private requireValidPassword(field: string, password: string, user: User | null): void {
    const problems = validatePassword(password, user);
    if (problems.length > 0) throw new ValidationError({ [field]: problems });
  }
}
