/** tessera/web for the route handlers and server components: the seeds' API (examples/seed-api/). */
import { tesseraWeb, type TesseraWeb } from '../../../src/web/index.js';
import { seedApi } from '../../seed-api/index.js';
import { clientIp } from './client-ip.js';
import { tessera } from './tessera.js';

let web: TesseraWeb | undefined;

/** The adapter, made once for this bundle's tessera. */
export async function tesseraWebOnce(): Promise<TesseraWeb> {
  const core = await tessera();
  web ??= tesseraWeb(core, { ...seedApi(core), getClientIp: clientIp });
  return web;
}
