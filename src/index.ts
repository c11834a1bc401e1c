/**
 * tessera's public API: the framework-free core (`createTessera`), tokens, errors with codes,
 * hashers, settings and the store. Nothing here loads a web framework: the Fastify plugin is
 * `tessera/fastify`.
 */
export * from './settings/index.js';
export * from './errors.js';
export * from './crypto/index.js';
export * from './store/index.js';
export * from './tokens/index.js';
export * from './auth/index.js';
export * from './core/index.js';
export { validatePassword, type PasswordUser } from './accounts/password-validation.js';
export {
  Accounts, ACCOUNT_MESSAGES, AccountTokenGenerator, encodeUid, decodeUid, createMailer, Outbox, DEFAULT_PASSWORD_VALIDATORS,
  ACTIVATION_PATH, PASSWORD_RESET_CONFIRM_PATH, type AccountsOptions, type EmailMessage, type Mailer, type PasswordValidator,
} from './accounts/index.js';
