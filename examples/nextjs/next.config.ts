import { realpathSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const repository = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Turbopack compiles only files under its root: the repository (the example imports tessera's
 * sources from ../../src) and the folder node_modules really lives in, when it is a symlink
 * (a git worktree sharing another checkout's node_modules).
 */
function commonRoot(a: string, b: string): string {
  let root = a;
  while (relative(root, b).startsWith('..')) root = dirname(root);
  return root.endsWith(sep) && root.length > 1 ? root.slice(0, -1) : root;
}

const config: NextConfig = {
  distDir: process.env.TESSERA_NEXT_DIST_DIR ?? '.next',
  skipTrailingSlashRedirect: true,
  turbopack: { root: commonRoot(repository, dirname(realpathSync(`${repository}node_modules`))) },
  // `npm run typecheck` checks lib/ and proxy.ts; the pages are JSX (see README in docs/web.md).
  typescript: { ignoreBuildErrors: true },
  // A build's cache written to disk costs a third of the build; the example is built once per run.
  experimental: { turbopackFileSystemCacheForBuild: false },
};
export default config;
