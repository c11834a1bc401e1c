import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { installConsumer } from '../support/consumer.js';

// The package as npm packs it and a project installs it. Needs a built dist (`npm run build`).

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  license?: string; engines?: { node?: string }; exports: Record<string, { default: string }>;
};

/** The files `npm pack` would put in the tarball (without running the build, which `prepare` would). */
function packedFiles(): Set<string> {
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(pack.status, 0, pack.stderr);
  const [report] = JSON.parse(pack.stdout) as { files: { path: string }[] }[];
  return new Set(report!.files.map((file) => file.path));
}

test('the package ships source maps only where their sources ship too, and no reference to a missing map', () => {
  assert.ok(existsSync(join(ROOT, 'dist/index.js')), 'no dist/index.js: run `npm run build` first');
  const files = packedFiles();
  assert.ok(files.has('dist/index.js') && files.has('dist/bin/tessera.js') && files.has('dist/console/index.html'), 'the pack lists the build');
  assert.ok(files.has('LICENSE') && files.has('package.json'));
  const problems: string[] = [];
  for (const file of files) {
    if (file.endsWith('.map')) {
      const map = JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { sources?: string[]; sourceRoot?: string };
      for (const source of map.sources ?? []) {
        const shipped = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
        if (!files.has(shipped)) problems.push(`${file} points at ${source}, which is not in the package`);
      }
    } else if (/\.(c|m)?js$/.test(file)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const match of text.matchAll(/^\/\/# sourceMappingURL=(\S+)$/gm)) {
        if (match[1]!.startsWith('data:')) continue;
        const shipped = posix.normalize(posix.join(posix.dirname(file), match[1]!));
        if (!files.has(shipped)) problems.push(`${file} names the map ${match[1]}, which is not in the package`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('package.json: MIT, and the Node versions whose require(esm) works unflagged', () => {
  assert.equal(manifest.license, 'MIT');
  assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) 2026 tessera contributors\n/);
  // 20.19 on the 20 line, 22.12 on 22; 21 and 22.0-22.11 need --experimental-require-module.
  assert.equal(manifest.engines?.node, '^20.19.0 || >=22.12.0');
});

/** One export each entry point must have, to show it loaded whole. */
const EXPECTED_EXPORT: Record<string, string> = {
  '.': 'createTessera', './fastify': 'tessera', './express': 'tesseraExpress', './web': 'tesseraWeb', './verify': 'createVerifier',
  './nest': 'TesseraModule', './server': 'buildServer', './client': 'TesseraClient', './client/axios': 'attachTessera',
  './testing': 'testTessera',
};

test("require('tessera') and every subpath work from CommonJS in a project that installed the package", { timeout: 120_000 }, () => {
  assert.deepEqual(Object.keys(manifest.exports).sort(), Object.keys(EXPECTED_EXPORT).sort(), 'every entry point is checked');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cjs-'));
  try {
    installConsumer(dir, 'commonjs');
    const specifiers = Object.keys(EXPECTED_EXPORT).map((subpath) => (subpath === '.' ? 'tessera' : `tessera/${subpath.slice(2)}`));
    writeFileSync(join(dir, 'check.cjs'), [
      "'use strict';",
      `const specifiers = ${JSON.stringify(specifiers)};`,
      'const found = {};',
      'for (const specifier of specifiers) found[specifier] = Object.keys(require(specifier)).sort();',
      "found.resolved = require.resolve('tessera');",
      'process.stdout.write(JSON.stringify(found));',
    ].join('\n'));
    // A plain `node`, no flags, as a user runs it; NODE_OPTIONS from the test runner left out.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, ['check.cjs'], { cwd: dir, encoding: 'utf8', env, timeout: 100_000 });
    assert.equal(run.status, 0, run.stderr);
    const found = JSON.parse(run.stdout) as Record<string, string[]> & { resolved: string };
    assert.equal(dirname(found.resolved as unknown as string), join(dir, 'node_modules/tessera/dist'), 'the installed package, through its exports');
    for (const [subpath, name] of Object.entries(EXPECTED_EXPORT)) {
      const specifier = subpath === '.' ? 'tessera' : `tessera/${subpath.slice(2)}`;
      assert.ok(found[specifier]!.includes(name), `${specifier} exports ${name}: ${found[specifier]!.join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
