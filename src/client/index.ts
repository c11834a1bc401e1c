/** tessera/client: a dependency-free fetch client for tessera (and Simple JWT) servers. */
export type { TokenStorage, LogoutReason, SessionEndReason, TesseraClientOptions, Transport } from './types.js';
export { memoryStorage, webStorage } from './storage.js';
export { TesseraHttpError, isReauthenticationRequired, REAUTHENTICATION_REQUIRED } from './errors.js';
export { SecondFactorRequiredError, isSecondFactorRequired, type SecondFactorMethod } from './errors.js';
export { TesseraClient } from './client.js';
