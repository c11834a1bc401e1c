import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// A project that installed tessera, as npm lays it out, for the tests of the published package
// (test/core/published-*.test.ts). Needs a built dist (`npm run build`).

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const MODULES = join(ROOT, 'node_modules');

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** The folder `name` loads from for code in `from` (Node's lookup up the node_modules folders), or null. */
function installedFolder(name: string, from: string): string | null {
  for (let dir = from; dir.startsWith(ROOT); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  return null;
}

/**
 * The folders of `names` and of everything they depend on, as npm installs them in a project:
 * dependencies, optional ones and required peers, never devDependencies. (`npm ls --omit=dev`
 * lists the same in a plain checkout, but in a worktree whose node_modules is a link it calls
 * every package extraneous and lists dev ones too.) A package that is not installed is skipped:
 * an optional one for another platform; were a declaration to need it, tsc says so below.
 */
function productionClosure(names: string[]): Set<string> {
  const folders = new Set<string>();
  const visit = (name: string, from: string) => {
    const folder = installedFolder(name, from);
    if (!folder || folders.has(folder)) return;
    folders.add(folder);
    const manifest = manifestOf(folder);
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !manifest.peerDependenciesMeta?.[peer]?.optional);
    for (const dependency of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {}), ...peers]) {
      visit(dependency, folder);
    }
  };
  for (const name of names) visit(name, ROOT);
  return folders;
}

/**
 * A consumer project in `dir` (its package.json of `type`): tessera's package.json and dist as node_modules/tessera, and a link
 * to each top-level package of the closure (nested ones come inside their parent's folder).
 */
export function installConsumer(dir: string, type: 'module' | 'commonjs' = 'module'): void {
  const tessera = join(dir, 'node_modules', 'tessera');
  mkdirSync(tessera, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(tessera, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(tessera, 'dist'), { recursive: true });
  const manifest = manifestOf(ROOT);
  // axios is the optional peer a project installs to use `tessera/client/axios`, which it imports.
  const wanted = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), '@types/node', 'typescript'];
  for (const folder of productionClosure(wanted)) {
    const path = relative(MODULES, folder);
    if (path.includes(`${sep}node_modules${sep}`)) continue;
    mkdirSync(dirname(join(dir, 'node_modules', path)), { recursive: true });
    symlinkSync(folder, join(dir, 'node_modules', path), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type }));
}

