import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { SERVER_MIGRATIONS } from '../../src/server/index.js';
import { openStore } from '../../src/store/index.js';
import { TESTED_CLI } from '../support/cli-process.js';

const run = promisify(execFile);

describe('tessera drf_create_token USERNAME [-r]', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const databaseUrl = `sqlite:${join(dir, 'db.sqlite3')}`;
    env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_')));
    env.TESSERA_DATABASE_URL = databaseUrl;
    const store = openStore(databaseUrl);
    await store.migrate(SERVER_MIGRATIONS);
    await store.users.create({ username: 'ann', password: '!unusable' });
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const tessera = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [...TESTED_CLI.nodeArgs, ...args], { cwd: dir, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const keyOf = (stdout: string) => /^Generated token ([0-9a-f]{40}) for user ann\n$/.exec(stdout)?.[1];

  test('prints the same token until -r replaces it', async () => {
    const first = await tessera('drf_create_token', 'ann');
    assert.equal(first.code, 0, first.stderr);
    const key = keyOf(first.stdout);
    assert.ok(key, first.stdout);
    assert.equal(keyOf((await tessera('drf_create_token', 'ann')).stdout), key);
    const reset = await tessera('drf_create_token', 'ann', '-r');
    const renewed = keyOf(reset.stdout);
    assert.ok(renewed);
    assert.notEqual(renewed, key);
    assert.equal(keyOf((await tessera('drf_create_token', '--reset', 'ann')).stdout)?.length, 40);

    const store = openStore(env.TESSERA_DATABASE_URL!);
    try {
      assert.equal(await store.authTokens.findByKey(key!), null, 'the old key is gone');
      assert.equal(await store.database.db.selectFrom('authtoken_token').select('key').execute().then((rows) => rows.length), 1);
    } finally {
      await store.close();
    }
  });

  test('an unknown user is DRF\'s CommandError, one line, exit 1', async () => {
    const answer = await tessera('drf_create_token', 'nobody');
    assert.equal(answer.code, 1);
    assert.equal(answer.stderr, 'tessera: error: Cannot create the Token: user nobody does not exist\n');
  });

  test('no username is a usage error', async () => {
    const answer = await tessera('drf_create_token');
    assert.equal(answer.code, 2);
    assert.match(answer.stderr, /usage: tessera drf_create_token USERNAME \[-r\]/);
  });
});
