import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PRODUCTION_REFUSAL } from '../../src/testing/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Imports `specifier` in a fresh Node with `NODE_ENV` set: its exit status and output. */
function importWith(nodeEnv: string, specifier: string, withTsx: boolean) {
  const run = spawnSync(process.execPath, [
    ...(withTsx ? ['--import', 'tsx'] : []), '--input-type=module',
    '-e', `await import(${JSON.stringify(specifier)}); console.log('loaded');`,
  ], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_ENV: nodeEnv } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('the refusal is one line that says what and why', () => {
  assert.doesNotMatch(PRODUCTION_REFUSAL, /\n/);
  assert.match(PRODUCTION_REFUSAL, /^tessera\/testing refuses to load under NODE_ENV=production/);
});

test('importing the sources under NODE_ENV=production throws that line; under test it loads', () => {
  const refused = importWith('production', './src/testing/index.ts', true);
  assert.notEqual(refused.status, 0);
  assert.equal(refused.stdout, '');
  assert.ok(refused.stderr.includes(`Error: ${PRODUCTION_REFUSAL}`), refused.stderr);
  const loaded = importWith('test', './src/testing/index.ts', true);
  assert.equal(loaded.status, 0, loaded.stderr);
  assert.equal(loaded.stdout.trim(), 'loaded');
});

test('`tessera/testing` as a project imports it (the built package) refuses the same', { skip: existsSync(`${ROOT}dist/testing/index.js`) ? false : 'no dist/testing: run `npm run build` first' }, () => {
  // A package may import itself by name through its "exports": the same path a project's import takes.
  const refused = importWith('production', 'tessera/testing', false);
  assert.notEqual(refused.status, 0);
  assert.ok(refused.stderr.includes(`Error: ${PRODUCTION_REFUSAL}`), refused.stderr);
  const loaded = importWith('development', 'tessera/testing', false);
  assert.equal(loaded.status, 0, loaded.stderr);
});
