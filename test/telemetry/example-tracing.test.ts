import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('npm run example:tracing -- --demo prints the spans of a login and a refresh, without the password or tokens', () => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TESSERA_')) env[name] = value;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/tracing/server.ts', '--demo'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /POST \/api\/token\/ answered 200/);
  assert.match(run.stdout, /POST \/api\/token\/refresh\/ answered 200/);
  for (const name of ['POST /api/token/', 'POST /api/token/refresh/', 'tessera.tokens.obtainPair', 'tessera.tokens.refresh']) {
    assert.ok(run.stdout.includes(`name: '${name}'`), `a span named ${name}`);
  }
  assert.match(run.stdout, /'db\.query\.text': 'select/);
  assert.ok(!run.stdout.includes('demo-password-1'), 'the password is in the output');
  assert.doesNotMatch(run.stdout, /eyJ[\w-]+\.eyJ/, 'a token is in the output');
});
