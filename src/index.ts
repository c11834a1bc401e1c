/** tessera's public API: the core library and the Fastify plugin. */
export * from './settings/index.js';
export * from './errors.js';
export * from './crypto/index.js';
export * from './store/index.js';
export * from './tokens/index.js';
export * from './auth/index.js';
export { tessera, charField, integerField, readOnlyField, validate, requestData, toErrorAnswer, MethodNotAllowed } from './http/index.js';
export type { FastifyTessera, TesseraPluginOptions, Field } from './http/index.js';
export { createTessera, type Tessera, type TesseraLogger, type TesseraOptions } from './core/index.js';
export { drfJwtRoutes, dateTimeField, emailField, type DrfJwtRouteOptions } from './http/index.js';
export { validatePassword, type PasswordUser } from './accounts/password-validation.js';
export { accountRoutes } from './http/index.js';
export { objectSchema, stringSchema, fieldsSchema, DETAIL_SCHEMA, type RouteDocs, type ResponseDoc, type FieldSchema } from './http/index.js';
export {
  Accounts, ACCOUNT_MESSAGES, AccountTokenGenerator, encodeUid, decodeUid, createMailer, Outbox, DEFAULT_PASSWORD_VALIDATORS,
  ACTIVATION_PATH, PASSWORD_RESET_CONFIRM_PATH, type AccountsOptions, type EmailMessage, type Mailer, type PasswordValidator,
} from './accounts/index.js';
