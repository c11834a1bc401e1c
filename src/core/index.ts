export { createTessera } from './create-tessera.js';
export type { Tessera, TesseraLogger, TesseraOptions } from './tessera.js';
export type { EndSessionsOptions, SessionUseCases } from './session-use-cases.js';
export type { Credentials, RefreshedTokens, TokenUseCases } from './token-use-cases.js';
export type { NewUserInput, UserUseCases } from './user-use-cases.js';
export type { DrfJwtOverrides, DrfJwtUseCases } from './drf-jwt-use-cases.js';
export type { AuthTokenUseCases } from './auth-token-use-cases.js';
export type { KeyChangeSource, KeyUseCases, SigningKeyInfo } from './key-use-cases.js';
export type { MaintenanceUseCases, FlushReport } from './maintenance-use-cases.js';
