/** tessera's public API: the core library and the Fastify plugin. */
export * from './settings/index.js';
export * from './errors.js';
export * from './crypto/index.js';
export * from './store/index.js';
export * from './tokens/index.js';
export * from './auth/index.js';
export { tessera, charField, integerField, validate, requestData, toErrorAnswer, MethodNotAllowed } from './http/index.js';
export type { Tessera, TesseraOptions, Field } from './http/index.js';
