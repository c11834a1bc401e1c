import { build } from 'esbuild';
import { join } from 'node:path';

/** The servers the framework comparison starts, each one bundled file (see `buildServers`). */
export const SERVER_ENTRIES = {
  'ceiling-fastify': 'bench/ceilings/fastify.ts',
  'ceiling-express': 'bench/ceilings/express.ts',
  'ceiling-hono': 'bench/ceilings/hono.ts',
  'ceiling-nest': 'bench/ceilings/nest.ts',
  'tessera-express': 'examples/express/server.ts',
  'tessera-hono': 'examples/hono/server.ts',
  'tessera-nest': 'examples/nest/server.ts',
} as const;
export type ServerEntry = keyof typeof SERVER_ENTRIES;

/**
 * Bundles the ceilings and the adapters' examples into `.builds/bench/NAME.js` under the package
 * root (ignored by git), as scripts/bundle-cli.mjs bundles the CLI: tessera's sources and the
 * example in one file, packages left to Node. So the servers run compiled JavaScript as
 * `tessera serve` does (dist/), not through tsx, and the ratio measures the adapter rather than
 * the loader. Two folders below the root, as dist/bin/, so paths resolved from `import.meta.url`
 * point where they do in dist/. Returns the path of each bundle.
 */
export async function buildServers(root: string, names: readonly ServerEntry[]): Promise<Record<ServerEntry, string>> {
  const outdir = join(root, '.builds/bench');
  await build({
    entryPoints: Object.fromEntries(names.map((name) => [name, join(root, SERVER_ENTRIES[name])])),
    outdir,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
  return Object.fromEntries(Object.keys(SERVER_ENTRIES).map((name) => [name, join(outdir, `${name}.js`)])) as Record<ServerEntry, string>;
}
