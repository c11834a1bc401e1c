import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseOptions, openStore } from '../../src/store/index.js';
import { cleanUp, freshFolder, runCli, startServe } from '../support/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const KEK = 'cli-kek-0123456789abcdefghijklmnopqrstuvwxyz';
const WRONG_KEK = 'not-the-kek-0123456789abcdefghijklmnopqrstuv';

/** The lines of `tessera keys list`. */
async function listed(dir: string, env: Record<string, string>): Promise<string[]> {
  const run = await runCli(dir, ['keys', 'list'], env);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout.trimEnd().split('\n');
}

describe('tessera keys revoke | encrypt, and the key encryption key at start (real CLI processes)', () => {
  let dir: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  let firstKid = '';

  before(async () => {
    dir = freshFolder('tessera-managed-keys-');
    database = await createTestDatabase(dir);
    env = { TESSERA_DATABASE_URL: database.url, TESSERA_DATA_DIR: dir, TESSERA_ALGORITHM: 'ES256', TESSERA_LOG_LEVEL: 'silent' };
    const run = await runCli(dir, ['keys', 'generate', '--alg', 'ES256'], env);
    assert.equal(run.code, 0, run.stderr);
    firstKid = /key (\S+) \(active\)/.exec(run.stdout)![1]!;
  });
  after(async () => {
    await database.drop();
    cleanUp();
  });

  test('revoke: an unknown kid or no kid is a one-line error; nothing changes', async () => {
    const unknown = await runCli(dir, ['keys', 'revoke', 'no-such-kid'], env);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'tessera: error: no signing key has kid "no-such-kid"; tessera keys list shows them\n');
    assert.equal(unknown.stdout, '');
    const none = await runCli(dir, ['keys', 'revoke'], env);
    assert.equal(none.code, 2);
    assert.equal(none.stderr, 'tessera: error: keys revoke needs one KID (tessera keys list shows them)\n');
    assert.equal((await listed(dir, env)).length, 1);
  });

  test('encrypt without TESSERA_KEY_ENCRYPTION_KEY is a one-line error; with it, the rows are sealed', async () => {
    const missing = await runCli(dir, ['keys', 'encrypt'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'tessera: error: TESSERA_KEY_ENCRYPTION_KEY is not set: there is no key to encrypt with\n');
    const run = await runCli(dir, ['keys', 'encrypt'], { ...env, TESSERA_KEY_ENCRYPTION_KEY: KEK });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Encrypted 1 private key.\n');
    const again = await runCli(dir, ['keys', 'encrypt'], { ...env, TESSERA_KEY_ENCRYPTION_KEY: KEK });
    assert.equal(again.stdout, 'Encrypted 0 private keys (1 already encrypted).\n');
  });

  test('serve and every command refuse to start without the key, or with a wrong one: one line, no stack trace', async () => {
    const cases: [Record<string, string>, string][] = [
      [env, 'tessera: error: signing keys are encrypted; TESSERA_KEY_ENCRYPTION_KEY is not set\n'],
      [{ ...env, TESSERA_KEY_ENCRYPTION_KEY: WRONG_KEK }, `tessera: error: TESSERA_KEY_ENCRYPTION_KEY does not decrypt key ${firstKid}\n`],
    ];
    for (const [withEnv, line] of cases) {
      for (const args of [['serve'], ['keys', 'list']]) {
        const run = await runCli(dir, args, { TESSERA_PORT: '0', ...withEnv });
        assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
        assert.equal(run.stderr, line, args.join(' '));
      }
    }
    const short = await runCli(dir, ['keys', 'list'], { ...env, TESSERA_KEY_ENCRYPTION_KEY: 'too-short' });
    assert.equal(short.code, 1);
    assert.match(short.stderr, /^tessera: error: .*TESSERA_KEY_ENCRYPTION_KEY.*at least 32 characters/);
    assert.equal(short.stderr.trimEnd().split('\n').length, 1);
  });

  test('revoke KID: the key is revoked, a new key signs, the served JWKS leaves it out; audited', async () => {
    const withKey = { ...env, TESSERA_KEY_ENCRYPTION_KEY: KEK };
    const run = await runCli(dir, ['keys', 'revoke', firstKid], withKey);
    assert.equal(run.code, 0, run.stderr);
    const [revoked, active] = run.stdout.trimEnd().split('\n');
    assert.equal(revoked, `Revoked: ES256 key ${firstKid}; tokens it signed are refused.`);
    const newKid = /^Active: ES256 key (\S+)\.$/.exec(active!)![1]!;
    const lines = await listed(dir, withKey);
    assert.match(lines[0]!, new RegExp(`^${firstKid}  ES256  created \\S+  revoked  revoked \\S+$`));
    assert.match(lines[1]!, new RegExp(`^${newKid}  ES256  created \\S+  active$`));
    const audit = await runCli(dir, ['audit', '--type', 'key_revoked', '--json'], withKey);
    assert.deepEqual(JSON.parse(audit.stdout.trim()).detail, { kid: firstKid, alg: 'ES256', activated: newKid, source: 'cli' });

    const served = await startServe(dir, [], withKey);
    try {
      const jwks = await (await fetch(`${served.url}/.well-known/jwks.json`)).json() as { keys: { kid: string }[] };
      assert.deepEqual(jwks.keys.map((key) => key.kid), [newKid]);
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
    }
  });
});

describe('tessera serve with TESSERA_KEY_ROTATION_INTERVAL', () => {
  test('a key older than the interval is rotated when the server starts, once, and audited as the schedule\'s', async () => {
    const dir = freshFolder('tessera-key-schedule-');
    const database = await createTestDatabase(dir);
    const env = { TESSERA_DATABASE_URL: database.url, TESSERA_DATA_DIR: dir, TESSERA_ALGORITHM: 'ES256', TESSERA_LOG_LEVEL: 'silent' };
    try {
      const run = await runCli(dir, ['keys', 'generate', '--alg', 'ES256'], env);
      const oldKid = /key (\S+) \(active\)/.exec(run.stdout)![1]!;
      // Activated 40 days ago, as if it had signed since then.
      const store = openStore(database.url, databaseOptions({ databaseUrl: database.url } as never));
      const longAgo = new Date(Date.now() - 40 * 24 * 3600_000).toISOString();
      await store.database.db.updateTable('tessera_signing_key').set({ created_at: longAgo, activated_at: longAgo }).execute();
      await store.close();

      const scheduled = { ...env, TESSERA_KEY_ROTATION_INTERVAL: '30d' };
      for (let start = 0; start < 2; start += 1) {
        const served = await startServe(dir, [], scheduled);
        served.child.kill('SIGTERM');
        await served.exited;
      }
      const lines = await listed(dir, env);
      assert.equal(lines.length, 2, lines.join('\n'));
      assert.match(lines[0]!, new RegExp(`^${oldKid}  ES256  created \\S+  retiring  retires \\S+$`));
      assert.match(lines[1]!, /  ES256  created \S+  active$/);
      const audit = await runCli(dir, ['audit', '--type', 'key_rotated', '--json'], env);
      const events = audit.stdout.trim().split('\n').map((line) => JSON.parse(line).detail);
      assert.deepEqual(events.map((detail: { source: string; retiring: string[] }) => [detail.source, detail.retiring]), [['schedule', [oldKid]]]);
    } finally {
      await database.drop();
      cleanUp();
    }
  });
});
