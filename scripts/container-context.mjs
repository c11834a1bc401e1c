// Makes the container's build context, .container/, from this checkout (`node scripts/container-context.mjs`,
// after `npm run build`): what the Dockerfile copies, so that the image builds offline.
//
// `--into DIR` writes DIR/.container/ instead (a build context of its own: DIR, with -f Dockerfile).
//
//   .container/bin/node          the Node binary running this script (or NODE_BINARY=/path/to/node);
//                                none with --node-from-base (the base image has Node: node:20-bookworm-slim)
//   .container/app/package.json  the package's manifest, without its scripts (the image builds nothing)
//   .container/app/dist/         the built package (`npm run build`), without source maps
//   .container/app/node_modules/ the production dependencies (`npm ls --omit=dev`), as installed here;
//                                with --deps-from-npm, package-lock.json instead: `npm ci` in the build
//
// The dependencies and the binary are this machine's: the image runs them on Debian bookworm's glibc,
// so make the context on a linux-x64 glibc host, or use the flags where registries are reachable.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Build leftovers of native add-ons that the image never loads (sources, object files, test add-ons). */
const SKIPPED = [
  `better-sqlite3${sep}deps`, `better-sqlite3${sep}src`, `better-sqlite3${sep}build${sep}deps`,
  `better-sqlite3${sep}build${sep}Release${sep}obj.target`, `better-sqlite3${sep}build${sep}Release${sep}.deps`,
  `better-sqlite3${sep}build${sep}Release${sep}test_extension.node`, `better-sqlite3${sep}build${sep}Release${sep}obj`,
];

/** Every production dependency's folder, relative to the root (`node_modules/a`, `node_modules/a/node_modules/b`). */
function productionPackages() {
  const output = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 });
  return output.split('\n').slice(1).filter(Boolean).map((path) => relative(root, path));
}

/**
 * Writes `.container/` into `into` (default this checkout, the Dockerfile's usual context); answers
 * its path. The tests make theirs in a folder of their own, so a run never changes a user's.
 */
export function makeContext({ into = root, nodeFromBase = false, depsFromNpm = false, nodeBinary = process.env.NODE_BINARY || process.execPath } = {}) {
  const context = join(into, '.container');
  const app = join(context, 'app');
  if (!existsSync(join(root, 'dist', 'bin', 'tessera.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  rmSync(context, { recursive: true, force: true });
  mkdirSync(join(context, 'bin'), { recursive: true });
  mkdirSync(app, { recursive: true });
  if (!nodeFromBase) cpSync(nodeBinary, join(context, 'bin', 'node'));
  const { scripts: _scripts, ...manifest } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(root, 'dist'), join(app, 'dist'), { recursive: true, filter: (path) => !path.endsWith('.map') });
  if (depsFromNpm) {
    cpSync(join(root, 'package-lock.json'), join(app, 'package-lock.json'));
    return context;
  }
  for (const pkg of productionPackages()) {
    const from = join(root, pkg);
    cpSync(from, join(app, pkg), {
      recursive: true,
      dereference: false,
      // Nested packages are copied on their own line of `npm ls`; .bin holds links to dev tools.
      filter: (path) => {
        const inside = relative(from, path);
        if (inside.split(sep)[0] === 'node_modules') return false;
        return !SKIPPED.some((skipped) => path.endsWith(skipped));
      },
    });
  }
  return context;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { 'node-from-base': { type: 'boolean' }, 'deps-from-npm': { type: 'boolean' }, into: { type: 'string' } },
    strict: true,
  });
  const made = makeContext({ into: values.into ?? root, nodeFromBase: values['node-from-base'], depsFromNpm: values['deps-from-npm'] });
  console.log(`container-context: made ${relative(process.cwd(), made)}`);
}
