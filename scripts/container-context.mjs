// Makes the container's build context, .container/, from this checkout (`node scripts/container-context.mjs`,
// after `npm run build`): what the Dockerfile copies, so that the image builds offline.
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

const root = fileURLToPath(new URL('..', import.meta.url));
const context = join(root, '.container');
const app = join(context, 'app');

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

export function makeContext({ nodeFromBase = false, depsFromNpm = false, nodeBinary = process.env.NODE_BINARY || process.execPath } = {}) {
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
  const flags = new Set(process.argv.slice(2));
  for (const flag of flags) {
    if (flag !== '--node-from-base' && flag !== '--deps-from-npm') {
      console.error(`container-context: unknown option ${flag} (use --node-from-base, --deps-from-npm)`);
      process.exit(2);
    }
  }
  const made = makeContext({ nodeFromBase: flags.has('--node-from-base'), depsFromNpm: flags.has('--deps-from-npm') });
  console.log(`container-context: made ${relative(process.cwd(), made)}`);
}
