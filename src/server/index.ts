export { buildServer, SERVER_MIGRATIONS, type ServerOptions } from './app.js';
