export { createTessera } from './create-tessera.js';
export type { Tessera, TesseraLogger, TesseraOptions } from './tessera.js';
