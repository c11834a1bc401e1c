import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `script` as an ES module in a fresh Node with tsx and the web frameworks made absent. */
function withoutFrameworks(script: string, cwd: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--import', join(ROOT, 'test/fixtures/forbid-frameworks.mjs'), '--input-type=module', '-e', script], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, TESSERA_TEST_DIR: cwd }, timeout: 60_000,
  });
}

test('the package root loads no web framework: with Fastify absent, createTessera works on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-no-framework-'));
  try {
    const run = withoutFrameworks(`
      const { createTessera, loadSettings } = await import('./src/index.ts');
      const dir = process.env.TESSERA_TEST_DIR;
      const tessera = createTessera({ settings: loadSettings({ cwd: dir, overrides: { databaseUrl: 'sqlite:' + dir + '/db.sqlite3', dataDir: dir } }) });
      await tessera.migrate();
      await tessera.users.create({ username: 'ann', password: 'tessera-pass-42' });
      const { access } = await tessera.tokens.obtainPair({ username: 'ann', password: 'tessera-pass-42' });
      const { user } = await tessera.authenticate({ method: 'GET', headers: { authorization: 'Bearer ' + access } });
      await tessera.close();
      console.log('authenticated ' + user.username);
    `, dir);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'authenticated ann');
    // The hook does hide them: the Fastify plugin cannot load.
    const plugin = withoutFrameworks(`await import('./src/http/index.ts');`, dir);
    assert.notEqual(plugin.status, 0);
    assert.match(plugin.stderr, /hidden by forbid-frameworks/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
