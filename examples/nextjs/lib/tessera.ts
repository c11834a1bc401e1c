/**
 * The tessera of this bundle. Next.js bundles the proxy apart from the pages and route handlers,
 * so each holds one, both on the same database (as two processes would be). Created on first
 * use, not at import: `next build` imports these modules without a database to open.
 */
import { createTessera, loadSettings, type Tessera } from '../../../src/index.js';

let instance: { tessera: Tessera; started: Promise<void> } | undefined;

/** The tessera of `TESSERA_*` and `tessera.config.json` (as `tessera serve` reads them), ready. */
export async function tessera(): Promise<Tessera> {
  instance ??= started(createTessera({
    settings: loadSettings({ env: process.env, cwd: process.cwd() }),
    logger: { info: (m) => console.log(m), warn: (m) => console.warn(m), error: (m, d) => console.error(m, d ?? '') },
  }));
  await instance.started;
  return instance.tessera;
}

function started(tessera: Tessera) {
  return { tessera, started: tessera.ready() };
}
