// Bundles the `tessera` command into dist/bin/ (`node scripts/bundle-cli.mjs`; part of `npm run build`).
//
// Why: Node 20 resolves, reads and compiles each ES module file on its own, and `tessera serve`
// loads about 760 of them (Kysely alone is ~400 files). One file per command starts the server in
// about 60% of the time (docs/performance.md, "Cold start"). The library entry points (`tessera`,
// `tessera/fastify`, `tessera/server`) stay as tsc writes them, for the user's own bundler.
//
// The bundle sits two folders below the package root, as every tsc output file does, so the paths
// the code resolves from `import.meta.url` (package.json, dist/console/, dist/accounts/data/) are the same.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Packages left to Node at run time: native add-ons; swagger-ui, which serves files from its own
 * folder; and Fastify's schema compilers (a quarter of the bundle otherwise), required only when a
 * route has a schema to compile, as Fastify would (`requireAsFastify` in src/server/app.ts).
 */
const EXTERNAL = ['better-sqlite3', '@node-rs/argon2', '@fastify/swagger-ui', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'];

/** Writes dist/bin/tessera.js and one chunk per lazily loaded command. */
async function bundleCli() {
  // Chunk names carry a content hash: clear the old ones so that the folder holds one build.
  rmSync(`${root}dist/bin`, { recursive: true, force: true });
  await build({
    entryPoints: { tessera: `${root}src/cli/main.ts` },
    outdir: `${root}dist/bin`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    chunkNames: '[name]-[hash]',
    // CommonJS packages inside an ES module bundle still call `require` (for node: built-ins).
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    // No source map: it would point at src/, which the package does not ship (tsconfig.build.json).
    sourcemap: false,
    logLevel: 'warning',
  });
}

await bundleCli();
