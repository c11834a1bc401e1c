export { buildServer, SERVER_MIGRATIONS, type ServerOptions } from './app.js';
export { closeGracefully, type CloseOutcome } from './shutdown.js';
export { registerApiDocsGenerator, registerApiDocsRoutes, API_DOCS_URLS } from './api-docs.js';
export type { RedisProbe } from './health.js';
