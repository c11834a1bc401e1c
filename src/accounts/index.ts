export {
  createMailer, createConsoleMailer, createFileMailer, createSmtpMailer, Outbox, ACTIVATION_PATH,
  PASSWORD_RESET_CONFIRM_PATH, accountLink, activationEmail, passwordResetEmail, passwordChangedEmail,
  usernameChangedEmail, type EmailMessage, type Mailer, type OutboxFailure, type TemplateContext,
} from './email/index.js';
export {
  validatePassword, quickRatio, DEFAULT_PASSWORD_VALIDATORS, UserAttributeSimilarityValidator, MinimumLengthValidator,
  CommonPasswordValidator, NumericPasswordValidator, type PasswordUser, type PasswordValidator,
} from './password-validation.js';
export { AccountTokenGenerator, encodeUid, decodeUid, type AccountTokenOptions } from './account-tokens.js';
export { Accounts, ACCOUNT_MESSAGES, type AccountsOptions } from './accounts.js';
export { usernameFromEmail } from './usernames-from-email.js';
